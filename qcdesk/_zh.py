"""中文: the Chinese catalogue of the core's messages (English message → 中文)."""

ZH: dict[str, str] = {}
