"""Answering questions from the facts: ranking in context, cutting messages into questions, and
knowing when the sources do not say. Pure functions and classes over ``knowledge``; the dialogue
glue is ``flows``' business."""

from knowledge.answering.gaps import GapFinder
from knowledge.answering.lexicon import AnswerLexicon, load_lexicon
from knowledge.answering.ranker import PERSON_SLOT, AnswerContext, Candidate, FactRanker

__all__ = ["PERSON_SLOT", "AnswerContext", "AnswerLexicon", "Candidate", "FactRanker", "GapFinder", "load_lexicon"]
