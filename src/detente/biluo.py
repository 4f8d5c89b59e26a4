"""An exact greedy decoder for spaCy's entity recogniser (issue 18: time inside the model).

spaCy 3.8's ``ner`` spends most of its transition loop not on arithmetic but in its validity
checks: every check reads the buffer through ``StateC::B``, whose C++ ``vector.at`` call makes
the Cython-generated code take the GIL to look for an exception, about 300 times a token (seen
with ``py-spy --native``: ``pthread_mutex_lock`` under ``Begin_is_valid``, ``Unit_is_valid``).
That loop is about two thirds of the component's time.

This module runs the same greedy decoding with the model's own layers. Per step, spaCy's
``precompute_hiddens`` and the upper ``Linear`` layer score the same states, in the same order
and in the same groups (a batch sorted by length, in quarters, as ``Parser.pipe`` does), as
the C loop does. The scores come from the same weights and the same BLIS
calls on the same shapes. The decoder then masks them with the BILUO validity rules, picks the
first best valid action, and applies it. The validity rules are spaCy's ``ner.pyx`` for documents
without preset entities, written once as masks per state kind. So the entities are the stock
component's. ``benchmarks/components.py`` checks that on 901,849 tokens, and
``tests/test_biluo.py`` on text. Anything else is left to spaCy: a beam, another state layout,
documents that already carry entity annotation (:meth:`FastBILUO.compile` gives ``None``, or a
batch is handed to the component).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.tokens import Doc, Span
from spacy.util import minibatch

__all__ = ["FastBILUO"]

# Kinds of state, by what the validity rules look at (no preset entities):
#: no entity open; a next token that may continue an entity; the current token not a space
_CLOSED = 0
#: no entity open; the current token a space (no entity may start on it)
_CLOSED_SPACE = 1
#: no entity open; no next token, or it starts a sentence (only a one-token entity may start)
_CLOSED_END = 2
#: like _CLOSED_END with the current token a space
_CLOSED_END_SPACE = 3


class FastBILUO:
    """Greedy BILUO decoding of an ``EntityRecognizer``'s scores (see the module docstring)."""

    def __init__(self, ner: Any, moves: list[tuple[str, str]]) -> None:
        self.ner = ner
        self.labels = sorted({label for _, label in moves if label})
        index = {label: k for k, label in enumerate(self.labels)}
        n = len(moves)
        kinds = [move for move, _ in moves]
        label_of = [index.get(label, -1) for _, label in moves]
        # Validity masks, one row per kind of state (ner.pyx, Begin/In/Last/Unit/Out.is_valid,
        # with every preset test false): closed states by the four kinds above, then open
        # states by label, without and with a next token that may continue the entity.
        closed = numpy.zeros((4, n), dtype=bool)
        for c, (move, label) in enumerate(moves):
            if move == "O":
                closed[:, c] = True
            elif move == "B" and label:
                closed[_CLOSED, c] = True
            elif move == "U" and label:
                closed[[_CLOSED, _CLOSED_END], c] = True
        opened = numpy.zeros((2 * len(self.labels), n), dtype=bool)
        for k in range(len(self.labels)):
            for c in range(n):
                if label_of[c] != k:
                    continue
                if kinds[c] == "L":
                    opened[2 * k, c] = opened[2 * k + 1, c] = True
                elif kinds[c] == "I":
                    opened[2 * k + 1, c] = True
        self._masks = numpy.concatenate([closed, opened])
        self._moves = kinds
        self._label_of = label_of
        self._n = n

    @classmethod
    def compile(cls, ner: Any) -> FastBILUO | None:
        """The decoder for ``ner``, or ``None`` when it is not a greedy BILUO recogniser."""
        from spacy.pipeline import EntityRecognizer
        from spacy.pipeline._parser_internals.ner import BiluoPushDown

        if type(ner) is not EntityRecognizer or not isinstance(ner.moves, BiluoPushDown):
            return None
        if ner.cfg.get("beam_width", 1) != 1 or ner.postprocesses:
            return None
        model = ner.model
        if not model.attrs.get("has_upper", False):
            return None
        moves: list[tuple[str, str]] = []
        for c in range(ner.moves.n_moves):
            name = ner.moves.get_class_name(c)
            move, _, label = name.partition("-")
            # A move without a label ("U-") is valid only on preset entities: never here.
            if move not in {"B", "I", "L", "U", "O"} or (move == "O" and label):
                return None  # a "missing" move or a name this decoder does not know
            moves.append((move, label))
        return cls(ner, moves)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Set the recogniser's entities on each document, as its own ``pipe`` does."""
        for batch in minibatch(docs, size=batch_size):
            if any(len(doc) and doc.to_array(ENT_IOB).any() for doc in batch):
                yield from self.ner.pipe(batch, batch_size=batch_size)  # preset entities
                continue
            # spaCy's Parser.pipe decodes a batch sorted by length in quarters: the same
            # groups here give every matrix product the shapes it has there.
            by_length = sorted(batch, key=len)
            for group in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._decode(list(group))
            yield from batch

    def _decode(self, docs: list[Doc]) -> None:
        lengths = [len(doc) for doc in docs]
        if not any(lengths):
            return
        step = self.ner.model.predict(docs)  # the tok2vec and the precomputed lower layer
        try:
            ents = self._steps(docs, lengths, step)
        finally:
            # As spaCy's greedy_parse does: the step model's arrays sit in reference cycles
            # (its backprop closures), which the collector frees late; a long ingest would
            # hold many batches' worth of them.
            step.clear_memory()
        for doc, found in zip(docs, ents, strict=True):
            if len(doc):
                spans = [Span(doc, s, e, label=self.labels[k]) for s, e, k in found]
                doc.set_ents(spans, default="outside")

    def _steps(self, docs: list[Doc], lengths: list[int], step: Any) -> list[list[list[int]]]:
        """The entities (start, end, label index) of each document, decoded step by step."""
        state2vec, vec2scores = step.state2vec, step.vec2scores
        unseen = numpy.flatnonzero(step._class_mask == 0)
        offsets = numpy.cumsum([0, *lengths[:-1]]).tolist()
        # Per token of the batch: the kind a closed state there has.
        kinds: list[list[int]] = []
        for doc, n in zip(docs, lengths, strict=True):
            if not n:
                kinds.append([])
                continue
            space = doc.to_array(IS_SPACE).astype(bool)
            starts = doc.to_array(SENT_START).astype("int64")
            # the next token starts a sentence, or there is none
            end = numpy.ones(n, dtype=bool)
            end[:-1] = starts[1:] == 1
            kinds.append((space.astype("int64") + 2 * end).tolist())
        ner_moves, label_of = self._moves, self._label_of
        n_closed = 4
        pos = [0] * len(docs)
        open_label = [-1] * len(docs)
        ents: list[list[list[int]]] = [[] for _ in docs]
        active = [d for d, n in enumerate(lengths) if n]
        while active:
            ids = numpy.full((len(active), 3), -1, dtype="i")
            rows = []
            for r, d in enumerate(active):
                b0 = pos[d]
                ids[r, 0] = b0 + offsets[d]
                if open_label[d] >= 0:
                    ids[r, 1] = ents[d][-1][0] + offsets[d]
                    ids[r, 2] = b0 - 1 + offsets[d]
                    # an open entity may go on when the next token exists and starts no sentence
                    goes_on = kinds[d][b0] < 2
                    rows.append(n_closed + 2 * open_label[d] + int(goes_on))
                else:
                    rows.append(kinds[d][b0])
            scores = vec2scores.predict(state2vec.predict(ids))
            if len(unseen):
                scores[:, unseen] = scores.min()
            masked = numpy.where(self._masks[rows], scores, -numpy.inf)
            guesses = masked.argmax(axis=1).tolist()
            still = []
            for d, guess in zip(active, guesses, strict=True):
                move, b0 = ner_moves[guess], pos[d]
                if move == "B":
                    ents[d].append([b0, -1, label_of[guess]])
                    open_label[d] = label_of[guess]
                elif move == "L":
                    ents[d][-1][1] = b0 + 1
                    open_label[d] = -1
                elif move == "U":
                    ents[d].append([b0, b0 + 1, label_of[guess]])
                pos[d] = b0 + 1
                if pos[d] < lengths[d]:
                    still.append(d)
            active = still
        return ents
