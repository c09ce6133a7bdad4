"""Chinese for the desktop program: `self.tr()` strings looked up in Python catalogues.

Every widget says what it shows with `self.tr("English text")`. Instead of Qt's
.ts/.qm tool chain, a `QTranslator` answers from the dictionaries in the
`ui/_zh_*.py` modules (one per area of the program, so they grow independently);
adding a language is data. The core's own messages (errors from the store) are
translated by `qcdesk.i18n`, which is switched together with this.
"""

from __future__ import annotations

import importlib
import pkgutil

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

import ui
from qcdesk.i18n import LANGUAGES, set_language


def catalogue(lang: str) -> dict[str, str]:
    """Every UI translation for `lang`, merged from the `ui/_<lang>_*.py` modules."""
    merged: dict[str, str] = {}
    for module in sorted(pkgutil.iter_modules(ui.__path__), key=lambda m: m.name):
        if module.name.startswith(f"_{lang}_"):
            merged.update(importlib.import_module(f"ui.{module.name}").ZH)
    return merged


class CatalogueTranslator(QTranslator):
    """A translator over a plain {English: translation} dictionary."""

    def __init__(self, entries: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries = entries

    # QTranslator.translate: None lets Qt fall back to the English source text
    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return self._entries.get(source_text)

    # QTranslator.isEmpty
    def isEmpty(self) -> bool:
        return not self._entries


_installed: list[QTranslator] = []
_QT_LOCALES = {"zh": "zh_CN"}


def install_language(lang: str) -> None:
    """Switch the whole program (UI and core messages) to `lang`; takes effect for widgets
    made afterwards."""
    if lang not in LANGUAGES:
        lang = "en"
    set_language(lang)
    app = QCoreApplication.instance()
    if app is None:
        return
    while _installed:
        app.removeTranslator(_installed.pop())
    # month and weekday names (the calendar popups) in the language too; numbers read the same
    QLocale.setDefault(QLocale(_QT_LOCALES.get(lang, lang)) if lang != "en"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if lang != "en":
        # Qt's own dialogs (files, printing, message-box buttons) from Qt's shipped catalogue
        qt_own = QTranslator(app)
        if qt_own.load(QLocale(_QT_LOCALES.get(lang, lang)), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
            _installed.append(qt_own)
        ours = CatalogueTranslator(catalogue(lang), app)
        app.installTranslator(ours)  # installed last: asked first
        _installed.append(ours)
