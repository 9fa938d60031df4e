"""Optional generated phrasing: a language model may phrase the answer from the retrieved passages;
a grounding guard decides which of its sentences survive. It never decides facts, routes or safety."""

from chatbot.generate.base import GeneratorConfig, GeneratorError, PassageText, make_generator
from chatbot.generate.guard import GroundingGuard, GuardResult, resting_on

__all__ = ["GeneratorConfig", "GeneratorError", "GroundingGuard", "GuardResult", "PassageText", "make_generator", "resting_on"]
