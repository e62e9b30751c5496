"""A quote that names what the question asks for, even when its best sentence only describes it.

News writing names a thing once and then describes it: "“Squid Game” is
officially coming back. Netflix announced Sunday that the wildly popular
South Korean show is green lit for a second season." The second sentence
is the closest to "Which wildly popular show was green lit for a new
season?", yet quoting it alone leaves the reader without the answer. So
when a question wants a name (who, where, which show, what company) and the
answering quote names nothing the question does not, the quote takes in
the neighbouring sentence of the same article that does: the one before
first (where news names it), else the one after, never a question the
article asks ("QUIZ TIME Which pop star ...?"). The quote stays an exact
slice of the article: its start and end simply cover both sentences.
"""

from __future__ import annotations

from assistant.answer.constraints import neighbour_rows, sentence_row
from assistant.answer.conversation import own_part
from assistant.answer.extractive import asks_a_question
from assistant.answer.name_answer import new_names, wants_a_name
from assistant.index.store import IndexData
from assistant.model import Answer


def name_what_is_asked(answer: Answer, data: IndexData) -> Answer:
    """The answer with its first quote widened to the neighbouring sentence that names what is asked, if needed."""
    question = own_part(answer.query or answer.question)  # a follow-up's own words, not the question appended to it
    if answer.abstained or answer.conflicts or answer.mode != "extractive" or not answer.citations or not wants_a_name(question):
        return answer  # where outlets disagree, the sides' quotes stand as the comparison gave them
    first = answer.citations[0]
    if new_names(question, first.quote):
        return answer
    own = sentence_row(data, first.doc_id, first.start)
    if own is None:
        return answer  # not a sentence of this index (a stale citation): leave it
    rows, doc = data.sentences, int(data.sentences[own, 0])
    for neighbour in neighbour_rows(data, own, 1):  # the one before first (where news names it), then the one after
        if neighbour == own:
            continue
        text = data.sentence_text(neighbour)
        if new_names(question, text) and not asks_a_question(text):  # not the article's own quiz question
            start, end = min(first.start, int(rows[neighbour, 1])), max(first.end, int(rows[neighbour, 2]))
            quote = data.articles[doc].text[start:end]
            answer.text = answer.text.replace(f'"{first.quote}"', f'"{quote}"', 1)
            first.quote, first.start, first.end = quote, start, end
            break
    return answer
