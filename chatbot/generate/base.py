"""Generators behind one small interface, built on LangChain's chat-model interfaces so that other
providers plug in the same way: any OpenAI-compatible endpoint (llama.cpp server, vLLM, Ollama, a
hosted API) through `langchain-openai`, or a local GGUF file through llama-cpp-python."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.messages import BaseMessage

from chatbot.errors import ChatbotError
from chatbot.generate.prompt import build_messages
from chatbot.types import Message

log = logging.getLogger(__name__)

INSTALL_HINT = {
    "openai": "pip install langchain-openai==1.7.4",
    "llamacpp": "pip install llama-cpp-python==0.3.36 (builds from source, ~7 minutes on 2 cores)",
}


class GeneratorError(ChatbotError):
    """The model could not be used (missing package or file, error, timeout): the extractive answer stands."""


@dataclass(frozen=True)
class PassageText:
    number: int
    title: str
    section: str
    text: str


@dataclass(frozen=True)
class GeneratorConfig:
    name: str = "extractive"  # extractive | openai | llamacpp
    model: str = ""  # a model name (openai) or a GGUF path (llamacpp)
    base_url: str = ""  # OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1
    api_key: str = "not-needed"
    timeout_s: float = 20.0
    max_tokens: int = 220  # the answer's budget
    prompt_budget: int = 1500  # tiktoken tokens of passages sent to the model
    temperature: float = 0.1
    threads: int = 1  # llama.cpp decoding slows ~30x when it competes with another busy process: one thread
    judge: bool = False  # also ask the model "is this sentence supported?" (a second layer after the guard)


class Generator(Protocol):
    name: str

    def draft(self, question: str, history: list[Message], passages: list[PassageText]) -> str: ...

    def supported(self, sentence: str, passage: str) -> bool | None: ...


class ChatModelGenerator:
    """A LangChain chat model, called with a timeout on one worker (a local model serves one call at a time)."""

    def __init__(self, name: str, model: Any, config: GeneratorConfig) -> None:
        self.name = name
        self.model = model
        self.config = config
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"generator-{name}")
        self._busy = threading.Semaphore(2)  # one running, one waiting; beyond that, answer extractively

    def _invoke(self, messages: list[BaseMessage]) -> str:
        if not self._busy.acquire(blocking=False):
            raise GeneratorError("the model is busy")
        try:
            future = self._worker.submit(self.model.invoke, messages)
            try:
                reply = future.result(timeout=self.config.timeout_s)
            except FutureTimeout as exc:
                raise GeneratorError(f"no answer within {self.config.timeout_s:g} s") from exc
        except GeneratorError:
            raise
        except Exception as exc:  # any provider error means: answer extractively
            raise GeneratorError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._busy.release()
        content = getattr(reply, "content", reply)
        return content if isinstance(content, str) else str(content)

    def draft(self, question: str, history: list[Message], passages: list[PassageText]) -> str:
        return self._invoke(build_messages(question, history, passages, self.config.prompt_budget))

    def supported(self, sentence: str, passage: str) -> bool | None:
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [
            SystemMessage("You check facts. Answer with one word: yes or no."),
            HumanMessage(f"Passage:\n{passage}\n\nSentence:\n{sentence}\n\nIs every fact in the sentence stated in the passage?"),
        ]
        try:
            answer = self._invoke(messages).strip().lower()
        except GeneratorError:
            return None
        if answer.startswith("yes"):
            return True
        return False if answer.startswith("no") else None


def make_generator(config: GeneratorConfig) -> Generator | None:
    """The configured generator, or None for the extractive default. Raises GeneratorError with an install hint."""
    if config.name == "extractive":
        return None
    if config.name == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise GeneratorError(f"the openai generator needs langchain-openai: {INSTALL_HINT['openai']}") from exc
        if not config.base_url and not config.model:
            raise GeneratorError("the openai generator needs SOFTREBOOT_GENERATOR_BASE_URL and/or SOFTREBOOT_GENERATOR_MODEL")
        model = ChatOpenAI(
            model=config.model or "local",
            base_url=config.base_url or None,
            api_key=config.api_key,
            timeout=config.timeout_s,
            max_retries=0,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            # langchain-openai sends the limit as `max_completion_tokens` only; OpenAI-compatible servers such as
            # llama.cpp's ignore that name and generate up to their context size. A custom endpoint gets both names.
            extra_body={"max_tokens": config.max_tokens} if config.base_url else None,
        )
        return ChatModelGenerator("openai", model, config)
    if config.name == "llamacpp":
        return ChatModelGenerator("llamacpp", _llamacpp(config), config)
    raise GeneratorError(f"unknown generator {config.name!r}: use extractive, openai or llamacpp")


def _llamacpp(config: GeneratorConfig) -> Any:
    from pathlib import Path

    if not config.model or not Path(config.model).is_file():
        raise GeneratorError(f"the llamacpp generator needs a GGUF file: {config.model or '(SOFTREBOOT_GENERATOR_MODEL unset)'} not found")
    try:
        import llama_cpp  # noqa: F401
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise GeneratorError(f"the llamacpp generator needs llama-cpp-python: {INSTALL_HINT['llamacpp']}") from exc
    return ChatLlamaCpp(
        model_path=config.model,
        n_ctx=4096,
        n_threads=config.threads,
        max_tokens=config.max_tokens,
        temperature=config.temperature,
        verbose=False,
    )
