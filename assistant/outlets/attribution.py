"""One sentence's attribution: who the sentence itself says is speaking, from the shape of news attribution
(after a closing quotation mark, before a speech verb, "according to X"); `speakers` resolves pronouns and role nouns."""

from __future__ import annotations

import re

SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|announced|announces|insisted|insists|noted|"
    "explained|explains|warned|warns|claimed(?= that| it| he| she| they)|declared|declares|stressed|"
    "stresses|tweeted|wrote|writes|reiterated|reiterates|argued|argues|replied|confirmed(?= that)|denied|"
    "denies|admitted|acknowledged|emphasized|emphasised|asserted|maintained(?= that)"
)
VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
OPEN_QUOTES = "“\"‘'"
CLOSE_QUOTES = "”\"’'"
# A quotation's end followed by an attribution: `...," he said` or `...!' said X`.
AFTER_QUOTE = re.compile(rf"[,.!?…]\s*[{CLOSE_QUOTES}]\s*,?\s*(?P<tail>.+)$", re.S)
ACCORDING = re.compile(r"\b[Aa]ccording to (?P<who>[^,.;:]+)")
INVERTED = re.compile(rf"^(?:{SPEECH_VERBS})\s+(?P<who>[^,.;:]+)")

PARTICLE = r"(?:al|el|bin|ibn|abu|de|da|del|van|von|der|le|la|di)"
NAME_TOKEN = re.compile(
    rf"(?:{PARTICLE}[- ]\s?)?(?:[A-Z][\w’'.-]*|[A-Z]\.)(?:-[A-Z][\w’'-]*)?"
)
TITLES = {
    "president", "prime", "minister", "foreign", "defence", "defense", "interior", "secretary", "state",
    "general", "gen.", "lieutenant", "lt.", "colonel", "col.", "major", "maj.", "captain", "capt.",
    "sergeant", "sgt.", "commander", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "senator",
    "sen.", "rep.", "representative", "governor", "gov.", "chancellor", "king", "queen", "prince",
    "sheikh", "judge", "justice", "chairman", "chief", "deputy", "spokesman", "spokeswoman", "ambassador",
    "attorney", "attorney-general", "general", "health", "pope", "premier", "vice", "leader", "mayor", "director", "head", "syrian", "russian",
    "us", "u.s.", "top", "former", "acting", "first", "rebel", "opposition",
}
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "jan.", "feb.", "mar.", "apr.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "one", "two", "some", "several", "many"}
PRONOUNS = {"he", "she", "they", "we", "i", "it", "you"}
# Words that may sit between a speaker and the speech verb: "Masri further said".
BETWEEN = {
    "had", "has", "have", "was", "is", "also", "further", "however", "earlier", "later", "then", "on",
    "in", "from", "of", "for", "at", "who", "which", "with", "meanwhile", "additionally", "previously",
    "again", "reportedly", "quickly", "repeatedly", "recently", "yesterday", "today", "tonight", "once",
    "himself", "herself", "publicly", "separately", "would", "will", "could", "had", "last", "this",
    "told", "insisted", "said", "and", "but", ", ",
}
NOT_NAMES = DETERMINERS | PRONOUNS | {
    "and", "but", "or", "so", "yet", "in", "on", "at", "for", "if", "as", "since", "after", "before",
    "read", "more", "mr", "mrs", "ms", "when", "while", "what", "why", "how", "where", "who",
} | TIME_WORDS
ROLE_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "representative", "official", "minister", "diplomat",
    "leader", "founder", "chief", "head", "president", "commander", "source", "director", "secretary",
    "ambassador", "envoy", "adviser", "advisor", "aide", "man", "woman", "member", "lawyer", "father",
    "mother", "prosecutor", "officer", "general", "senator", "governor", "chairman", "premier",
}
ORG_WORDS = {
    "army", "ministry", "agency", "council", "coalition", "party", "government", "police", "department",
    "court", "office", "service", "news", "network", "forces", "force", "front", "group", "committee",
    "commission", "union", "organization", "organisation", "bureau", "administration", "house", "kremlin",
    "pentagon", "reuters", "afp", "ap", "bbc", "cnn", "tv", "radio", "press", "times", "state", "media",
    "television", "channel", "nations", "division", "brigade", "movement", "military", "embassy",
}
CLAUSE_MARKERS = re.compile(
    r"(?:^|\s)(?:as|that|when|while|but|and|what|after|because|since|if|so|yet|although|though|whereas)\s", re.I
)
TRAILING = re.compile(
    r"(?:\s+(?:has|had|have|was|is|were|are|also|further|however|earlier|later|then|meanwhile|additionally|"
    r"previously|again|reportedly|quickly|repeatedly|recently|publicly|separately|would|will|could|"
    r"on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))+$",
    re.I,
)
# A quotation mark (not an apostrophe): double quotes, or a single quote at a word's edge after punctuation.
QUOTE_MARK = re.compile(r"[“”\"]|(?<=[,.!?])['’]|(?<=\s)['‘](?=\w)|^['‘]")
CUT_DESCRIPTION = re.compile(
    r"\s(?:who|which|that|in|at|on|related|linked|affiliated|based|from|to|with|by|near)\s.*$"
)
MAX_SUBJECT_WORDS = 14
MAX_DESCRIPTION_WORDS = 8
LOOK_BACK = 4  # sentences searched for the person a pronoun or role noun points at


def _words(text: str) -> list[str]:
    return text.split()


def _strip_quotes(text: str) -> str:
    """The sentence with quoted stretches blanked (same length), so verbs inside quotes are ignored."""
    chars = list(text)
    for pattern in (r"“[^”]*”", r"\"[^\"]*\"", r"(?<!\w)'[^']*'(?!\w)"):
        for match in re.finditer(pattern, text):
            for i in range(match.start() + 1, match.end() - 1):
                chars[i] = " "
    return "".join(chars)


def _name_run(text: str) -> tuple[str, str] | None:
    """The run of capitalised name tokens at the start of `text`, and what follows it."""
    position, tokens = 0, []
    while True:
        rest = text[position:]
        spaces = len(rest) - len(rest.lstrip())
        match = NAME_TOKEN.match(rest, spaces)
        if not match or not match.group(0)[0].isupper() and not re.match(PARTICLE, match.group(0)):
            break
        token = match.group(0)
        if token.lower().rstrip(".,") in TIME_WORDS or token.lower() in DETERMINERS:
            break
        tokens.append(token)
        position += match.end()
        if not tokens[-1][-1].isalnum() and not tokens[-1].endswith("."):
            break
    if not tokens:
        return None
    return " ".join(tokens), text[position:].strip()


def drop_possessor(run: str) -> str:
    """'Russia's Foreign Minister Sergei Lavrov' -> 'Foreign Minister Sergei Lavrov'."""
    parts = re.split(r"[’']s\s+", run)
    tail = parts[-1].strip()
    return tail if tail else run


def drop_titles(run: str) -> str:
    """'Malaysian Health Minister Subramaniam Sathasivam' -> 'Subramaniam Sathasivam': the words after the last title."""
    tokens = run.split()

    def is_title(token: str) -> bool:
        return token.lower() in TITLES or all(part in TITLES for part in token.lower().split("-"))

    last = max((i for i, t in enumerate(tokens[:-1]) if is_title(t)), default=-1)
    return " ".join(tokens[last + 1 :])


def is_org(name: str) -> bool:
    return any(token.lower().strip(".,") in ORG_WORDS for token in name.split())


def _head(segment: str) -> tuple[str, str] | None:
    """('name' | 'description' | 'pronoun', text) for the noun phrase that starts `segment`."""
    segment = segment.strip(" ,;:-—–")
    if not segment:
        return None
    words = segment.split()
    first = words[0].lower()
    if first in PRONOUNS and len(words) <= 2:
        return ("pronoun", first)
    candidate = segment
    if first in {"the", "a", "an"} and len(words) > 1 and words[1][:1].isupper():
        candidate = segment.split(None, 1)[1]
    run = _name_run(candidate) if candidate[:1].isupper() else None
    if run:
        name, after = run
        next_word = after.split()[0].lower().strip(",") if after.split() else ""
        if not next_word or next_word in BETWEEN or next_word.startswith("(") or next_word == "and":
            name = drop_possessor(name)
            name = name if is_org(name) else drop_titles(name)
            if name.lower() in PRONOUNS:
                return ("pronoun", name.lower())
            return ("name", name)
    # "Sessions spokeswoman Sarah Isgur Flores": a description that ends with the name.
    ending = re.search(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+$", segment)
    if ending and ending.start() > 0 and not is_org(ending.group(0)):
        return ("name", drop_titles(ending.group(0)))
    description = CUT_DESCRIPTION.sub("", segment)
    if len(description.split()) > MAX_DESCRIPTION_WORDS:
        return None
    return ("description", description)


def _subject_before(text: str, verb_start: int) -> tuple[str, str] | None:
    """The speaker phrase in front of a speech verb, appositives and clause openers removed.

    In "Samir Nashar, an individual from the coalition, said" the speaker is
    the last comma-separated part that starts with a capital ("Samir
    Nashar"); what follows it ("an individual from ...") is an appositive.
    """
    left = text[:verb_start]
    marks = [m.end() for m in QUOTE_MARK.finditer(left)]
    if marks:
        left = left[marks[-1] :]
    left = re.sub(r"\([^)]*\)", " ", left)
    left = TRAILING.sub("", left.rstrip(" ,")).strip(" ,")
    if not left or len(left.split()) > MAX_SUBJECT_WORDS * 2:
        return None
    segments = [s.strip() for s in re.split(r",\s*", left) if s.strip()]
    main = 0
    for index in range(len(segments) - 1, -1, -1):
        if _starts_noun_phrase(CLAUSE_MARKERS.split(" " + segments[index])[-1].strip()):
            main = index
            break
    piece = CLAUSE_MARKERS.split(" " + segments[main])[-1].strip()
    if not piece or piece[:1].isdigit():
        return None
    head = _head(piece)
    if head and head[0] == "description":
        description = head[1]
        # "The foreign-backed Free Syrian Army militant group": a group, named inside the description.
        inner = re.search(r"[A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)+", description)
        if inner and head_noun(description) not in ROLE_NOUNS:
            return ("name", inner.group(0))
    return head


def _starts_noun_phrase(piece: str) -> bool:
    """A capitalised word, 'the/a' + capitalised word, or a pronoun: where a speaker phrase can start."""
    words = piece.split()
    if not words:
        return False
    if words[0].lower() in PRONOUNS and len(words) <= 2:
        return True
    if words[0].lower() in {"the", "a", "an"} and len(words) > 1:
        return words[1][:1].isupper()
    return words[0][:1].isupper()


def head_noun(description: str) -> str:
    """'The representative of the militant group' -> 'representative'."""
    core = re.split(r"\s(?:of|for|from|in|at|with|to)\s", description)[0]
    words = core.split()
    return words[-1].lower().strip(",.") if words else ""


def _quote_tail_speaker(sentence: str) -> tuple[str, str] | None:
    """The attribution after the sentence's last closing quotation mark."""
    masked_from = 0
    for match in AFTER_QUOTE.finditer(sentence):
        masked_from = match.start("tail")
    if not masked_from:
        return None
    tail = sentence[masked_from:].strip()
    if any(q in tail for q in "“\""):
        return None
    inverted = INVERTED.match(tail)
    if inverted:
        return _head(inverted.group("who"))
    verb = VERB.search(tail)
    if verb and len(tail[: verb.start()].split()) <= MAX_SUBJECT_WORDS:
        return _subject_before(tail, verb.start()) if tail[: verb.start()].strip() else None
    return None


def sentence_speaker(sentence: str) -> tuple[str, str] | None:
    """The raw speaker reference in one sentence: ('name'|'description'|'pronoun', text), or None."""
    found = _quote_tail_speaker(sentence)
    if found:
        return found
    masked = _strip_quotes(sentence)
    according = ACCORDING.search(masked)
    verb = VERB.search(masked)
    if according and (not verb or according.start() < verb.start()):
        return _head(sentence[according.start("who") : according.end("who")])
    if verb:
        if not masked[: verb.start()].strip():
            inverted = INVERTED.match(sentence)
            return _head(inverted.group("who")) if inverted else None
        return _subject_before(sentence, verb.start())
    if according:
        return _head(sentence[according.start("who") : according.end("who")])
    return None


def bare_quotation(sentence: str) -> bool:
    stripped = sentence.strip()
    return bool(stripped) and stripped[0] in OPEN_QUOTES


