"""Questions in a language the articles are not written in.

The clinic's articles are English, and an extractive answer can only quote them; a question in Spanish (or
Chinese, Vietnamese, Tagalog...) gets a short reply in its own language saying so, with the clinic's phone and
email, instead of a wrong English quote or "out of scope". Detection is `lingua` (offline n-gram models for
short text, restricted to the languages patients of a Bay Area clinic most often write in), and it must agree
with a plain check that most of the words are not English words the articles use: short English questions full
of acronyms ("does SGB help PTSD") are never mistaken for another language.

Crisis detection in other languages is the safety detector's job and runs before this.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from chatbot.safety.messages import CLINIC_EMAIL, CLINIC_PHONE

# Languages most spoken at home in the San Francisco Bay Area after English (US Census ACS), plus the European ones
# a Menlo Park clinic's patients commonly write in. English must be among them.
LANGUAGES = (
    Language.ENGLISH,
    Language.SPANISH,
    Language.CHINESE,
    Language.VIETNAMESE,
    Language.TAGALOG,
    Language.KOREAN,
    Language.JAPANESE,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.PERSIAN,
    Language.ARABIC,
    Language.HINDI,
    Language.PUNJABI,
    Language.PORTUGUESE,
    Language.FRENCH,
    Language.GERMAN,
    Language.ITALIAN,
    Language.HEBREW,
)

_C = f"{CLINIC_PHONE} / {CLINIC_EMAIL}"
# ruff: noqa: E501  (one translated sentence per line reads better than split strings)
# "I answer only from the clinic's English articles, so I can't answer in <language>. The team can help: phone / email."
REPLIES: dict[Language, str] = {
    Language.SPANISH: f"Solo puedo responder a partir de los artículos de la clínica, que están en inglés, así que no puedo contestar en español. El equipo de Soft Reboot Wellness puede ayudarle: {_C}.",
    Language.CHINESE: f"我只能根据诊所的英文文章回答问题，因此无法用中文回答。Soft Reboot Wellness 团队可以帮助您：{_C}。",
    Language.VIETNAMESE: f"Tôi chỉ có thể trả lời dựa trên các bài viết tiếng Anh của phòng khám, nên không thể trả lời bằng tiếng Việt. Đội ngũ Soft Reboot Wellness có thể giúp bạn: {_C}.",
    Language.TAGALOG: f"Sumasagot lang ako mula sa mga artikulo ng klinika na nasa Ingles, kaya hindi ako makasagot sa Tagalog. Matutulungan ka ng team ng Soft Reboot Wellness: {_C}.",
    Language.KOREAN: f"저는 클리닉의 영어 기사에 근거해서만 답할 수 있어 한국어로는 답변드릴 수 없습니다. Soft Reboot Wellness 팀이 도와드릴 수 있습니다: {_C}.",
    Language.JAPANESE: f"クリニックの英語の記事に基づいてのみお答えできるため、日本語ではお答えできません。Soft Reboot Wellness のスタッフがお手伝いします：{_C}。",
    Language.RUSSIAN: f"Я отвечаю только по статьям клиники на английском языке, поэтому не могу ответить по-русски. Команда Soft Reboot Wellness поможет вам: {_C}.",
    Language.UKRAINIAN: f"Я відповідаю лише за статтями клініки англійською мовою, тому не можу відповісти українською. Команда Soft Reboot Wellness допоможе вам: {_C}.",
    Language.PERSIAN: f"من فقط بر اساس مقاله‌های انگلیسی کلینیک پاسخ می‌دهم، پس نمی‌توانم به فارسی پاسخ دهم. تیم Soft Reboot Wellness می‌تواند کمک کند: {_C}.",
    Language.ARABIC: f"أجيب فقط استنادًا إلى مقالات العيادة المكتوبة بالإنجليزية، لذلك لا أستطيع الإجابة بالعربية. يمكن لفريق Soft Reboot Wellness مساعدتك: {_C}.",
    Language.HINDI: f"मैं केवल क्लिनिक के अंग्रेज़ी लेखों के आधार पर उत्तर देता हूँ, इसलिए हिंदी में उत्तर नहीं दे सकता। Soft Reboot Wellness की टीम आपकी मदद कर सकती है: {_C}।",
    Language.PUNJABI: f"ਮੈਂ ਸਿਰਫ਼ ਕਲੀਨਿਕ ਦੇ ਅੰਗਰੇਜ਼ੀ ਲੇਖਾਂ ਤੋਂ ਜਵਾਬ ਦਿੰਦਾ ਹਾਂ, ਇਸ ਲਈ ਪੰਜਾਬੀ ਵਿੱਚ ਜਵਾਬ ਨਹੀਂ ਦੇ ਸਕਦਾ। Soft Reboot Wellness ਦੀ ਟੀਮ ਤੁਹਾਡੀ ਮਦਦ ਕਰ ਸਕਦੀ ਹੈ: {_C}।",
    Language.PORTUGUESE: f"Só posso responder com base nos artigos da clínica, que estão em inglês, por isso não posso responder em português. A equipe da Soft Reboot Wellness pode ajudar: {_C}.",
    Language.FRENCH: f"Je ne peux répondre qu'à partir des articles de la clinique, rédigés en anglais, je ne peux donc pas répondre en français. L'équipe de Soft Reboot Wellness peut vous aider : {_C}.",
    Language.GERMAN: f"Ich kann nur auf Grundlage der englischen Artikel der Klinik antworten und daher nicht auf Deutsch. Das Team von Soft Reboot Wellness hilft Ihnen gern: {_C}.",
    Language.ITALIAN: f"Posso rispondere solo in base agli articoli della clinica, scritti in inglese, quindi non posso rispondere in italiano. Il team di Soft Reboot Wellness può aiutarla: {_C}.",
    Language.HEBREW: f"אני עונה רק על סמך המאמרים של המרפאה באנגלית, ולכן איני יכול לענות בעברית. הצוות של Soft Reboot Wellness יכול לעזור: {_C}.",
}
ENGLISH_NOTE = "(The assistant answers from the clinic's English articles.)"

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Function words of English questions, so that "how do i book" counts as English even with no article word in it.
_ENGLISH_FUNCTION = frozenset(
    "a an the is are was were be been am do does did can could will would should may might must i me my you your we our us it its "
    "of to in on for with and or but if so what how when where why who which about any there here have has had get not no yes "
    "this that these those they them their he she her his him ok okay please thanks thank hi hello".split()
)


@functools.cache
def _detector() -> LanguageDetector:
    """Built on first use (its models load lazily, ~1 s): most messages are English and never reach it."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


@dataclass(frozen=True)
class LanguageConfig:
    min_confidence: float = 0.6  # lingua's relative confidence for the non-English language
    max_english_share: float = 0.5  # at most this share of the words may be English words for the message to count as another language
    min_letters: int = 6  # shorter messages ("ok", "hola") are not judged


class LanguageGate:
    """Tells a message written in another language from an English one. Thread-safe (lingua's detector is)."""

    def __init__(self, english_words: Iterable[str], config: LanguageConfig | None = None) -> None:
        self.config = config or LanguageConfig()
        self.english = _ENGLISH_FUNCTION | {w.lower() for w in english_words}

    @classmethod
    def from_texts(cls, texts: Iterable[str], config: LanguageConfig | None = None) -> LanguageGate:
        """English vocabulary taken from the articles' own text (every word they use)."""
        return cls((w for t in texts for w in _WORD.findall(t)), config)

    def other_language(self, message: str) -> Language | None:
        """The language `message` is written in when it is not English and we are sure; else None."""
        words = [w.lower() for w in _WORD.findall(message)]
        if sum(len(w) for w in words) < self.config.min_letters:
            return None
        english_share = sum(w in self.english for w in words) / len(words)
        if english_share > self.config.max_english_share:
            return None
        values = _detector().compute_language_confidence_values(message)
        if not values or values[0].language == Language.ENGLISH or values[0].value < self.config.min_confidence:
            return None
        return values[0].language

    @staticmethod
    def reply(language: Language) -> str:
        """The reply body in `language` (falls back to English and Spanish for a language we have no text for)."""
        return REPLIES.get(language, f"{ENGLISH_NOTE} {REPLIES[Language.SPANISH]}")
