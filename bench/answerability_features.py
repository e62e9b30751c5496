"""Experiment (issue 14): can gradient boosting over cheap features judge answerability better than the composer's score?

Features of the composer's top-5 candidate sentences per question: its score, cosine, keyword
overlap, rank and gap to the best, the question's named constraints and how many the sentence's
neighbourhood misses, the question's wh-type, new capitalised words / numbers / years in the
sentence, lengths, negation. Label: the sentence contains a gold answer. Trained on SQuAD 2.0
dev-half titles 10-15, measured on titles 6-9 (question-level confidence = best candidate).
Nothing is shipped from it; it prints the figures the README quotes. scikit-learn comes with
sentence-transformers (used by the llama-index baseline); it is not a NewsCite dependency.

    XDG_CACHE_HOME=/tmp/xdg-int8 python bench/answerability_features.py   # ~1 min; uses cached indexes
"""
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from assistant.eval.datasets import load_squad
from assistant.eval.runner import default_index_dir
from assistant.options import assistant_for
from assistant.answer.constraints import Neighbourhoods, question_constraints
WH = ["how many", "how much", "what year", "when", "who", "whom", "whose", "where", "which", "why", "how", "what"]
NUM = re.compile(r"\d")
CAP = re.compile(r"\b[A-Z][a-z]+")
NEG = re.compile(r"\b(not|never|no|n't|without)\b", re.I)
YEAR = re.compile(r"\b1\d{3}|20\d\d\b")
def wh(q):
    ql = q.lower()
    for i, w in enumerate(WH):
        if w in ql: return i
    return len(WH)
def rows(titles):
    first, last = titles
    qs = load_squad(ROOT.parent / "shared" / "datasets" / "squad2_dev_half", first_title=first, titles=last - first + 1)
    bot = assistant_for(qs, default_index_dir(f"bench-squad-{first}-{last}"))
    snap = bot._snapshot  # the composer's candidates are not public: read them the way ask() does
    comp = snap.writer
    X, y, qid, imp, base = [], [], [], [], []
    for n, q in enumerate(qs.questions):
        found = bot._retrieve(snap, q.question, None, None)
        scored = comp.score(found.query, found.query_vector, comp.candidates(found.hits), q.question)[:5]
        if not scored: continue
        near = Neighbourhoods(snap.data, question_constraints(q.question))
        qterms_cap = set(CAP.findall(q.question)); w = wh(q.question)
        for rank, s in enumerate(scored):
            text = snap.data.sentence_text(s.row)
            unmet = len(near.unmet(s.row)) if near.constraints else 0
            newcaps = len(set(CAP.findall(text)) - qterms_cap)
            X.append([s.score, s.cosine, s.overlap, rank, scored[0].score - s.score, len(near.constraints), unmet,
                      unmet / max(1, len(near.constraints)), w, newcaps, len(NUM.findall(text)), len(YEAR.findall(text)),
                      len(text.split()), len(q.question.split()), int(bool(NEG.search(q.question))), int(bool(NEG.search(text)))])
            y.append(int(any(a.lower() in text.lower() for a in q.answers)))
            qid.append(n); imp.append(int(q.type == "unanswerable"))
    return np.array(X, float), np.array(y), np.array(qid), np.array(imp)
t0 = time.time()
Xtr, ytr, qtr, itr = rows((10, 15)); Xte, yte, qte, ite = rows((6, 9))
print("features", time.time() - t0, len(Xtr), len(Xte), file=sys.stderr)
clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0).fit(Xtr, ytr)
p = clf.predict_proba(Xte)[:, 1]
def per_question(values, qid, imp, y):
    out = {}
    for v, q, i, l, r in zip(values, qid, imp, y, range(len(qid))):
        out.setdefault(q, []).append((v, i, l))
    return out
res = {}
for name, vals in (("gbm", p), ("current score", Xte[:, 0])):
    pq = per_question(vals, qte, ite, yte)
    conf = np.array([max(v for v, _, _ in c) for c in pq.values()]); isimp = np.array([c[0][1] for c in pq.values()])
    auc = roc_auc_score(1 - isimp, conf)
    sel = [max(c, key=lambda t: t[0])[2] for c in pq.values() if c[0][1] == 0 and any(l for _, _, l in c)]
    res[name] = {"is_impossible_auc": round(auc, 4), "answer_sentence_accuracy_when_in_top5": round(float(np.mean(sel)), 4), "n": len(sel)}
print(json.dumps(res, indent=1))
pq = per_question(p, qte, ite, yte)
conf = np.array([max(v for v, _, _ in c) for c in pq.values()]); isimp = np.array([c[0][1] for c in pq.values()])
for target in (0.05, 0.10, 0.15):
    t = np.quantile(conf[isimp == 0], target)
    print(f"gbm: answerable declined {np.mean(conf[isimp==0] < t):.3f} -> impossible declined {np.mean(conf[isimp==1] < t):.3f}")
