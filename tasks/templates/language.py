"""Meta's template language codes, and the ``en-US`` / ``en_US`` spelling of them."""

from __future__ import annotations

# Meta's "Supported Languages" table for message templates.
# TODO: Meta adds languages from time to time and this copy is not checked against it
# automatically; a code missing here is refused by the validator until it is added.
SUPPORTED_LANGUAGES = frozenset({
    "af", "sq", "ar", "az", "bn", "bg", "ca", "zh_CN", "zh_HK", "zh_TW", "hr", "cs", "da", "nl",
    "en", "en_GB", "en_US", "et", "fil", "fi", "fr", "ka", "de", "el", "gu", "ha", "he", "hi",
    "hu", "id", "ga", "it", "ja", "kn", "kk", "rw_RW", "ko", "ky_KG", "lo", "lv", "lt", "mk",
    "ms", "ml", "mr", "nb", "fa", "pl", "pt_BR", "pt_PT", "pa", "ro", "ru", "sr", "sk", "sl",
    "es", "es_AR", "es_ES", "es_MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi",
    "zu",
})


def normalize_language(code: str | None) -> str:
    """``en-US`` → ``en_US``: Meta's webhooks spell the locale with a hyphen, its API with
    an underscore, and EUM with either; the cache keys use the underscore."""
    return (code or "").strip().replace("-", "_")


def closest_languages(code: str) -> list[str]:
    """Supported codes of the same language, for an error message (``en_us`` → en, en_GB…)."""
    prefix = normalize_language(code).split("_")[0].lower()
    return sorted(c for c in SUPPORTED_LANGUAGES if c.split("_")[0] == prefix)
