"""Stage 4: Site + Theme + routes -> Outputs (bytes for each output file)."""
from __future__ import annotations

from typing import Iterable, Iterator

import jinja2

from .. import diagnostics as dg
from ..dates import PartialDate, format_date, format_range
from ..model import Output, Route, Site
from ..resolve.routes import output_path
from .registry import OUTPUTS, PAGE_VIEWS, POST_WRITE
from .theme import Theme, ThemeError
from .views import View, Views, is_rtl


class RenderError(Exception):
    def __init__(self, diagnostic: dg.Diagnostic):
        super().__init__(diagnostic)  # picklable: crosses process boundaries in parallel renders
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return self.diagnostic.message


def install_filters(theme: Theme, site: Site, language: str | None = None) -> None:
    """Filters, globals and labels for pages in ``language`` (the site's language by default)."""
    env = theme.env
    lang = language or site.config.language
    dates_in = site.translations.language(lang).date_language if site.translations else site.config.date_language
    prefix = site.config.prefix
    env.filters["date"] = lambda d: format_date(d, dates_in) if isinstance(d, PartialDate) else ("" if d is None else str(d))
    env.filters["daterange"] = lambda d, end=None: format_range(d, end, dates_in)
    folder = site.translations.folder(lang) if site.translations else ""
    env.filters["url"] = lambda path: prefix + _in_language(str(path).lstrip("/"), folder)
    env.filters["langname"] = lambda code: language_name(code, lang)
    env.filters["num"] = lambda n: format_number(n, lang)
    env.globals["url"] = env.filters["url"]
    env.globals["rtl"] = is_rtl(lang)  # also inside imported macros (the timeline's), which get no page context
    theme.set_language(lang)
    env.fragments.begin(site, lang)  # {% cache %} blocks: made again for another build or language


def _in_language(path: str, folder: str) -> str:
    """"articles/" -> "fa-af/articles/" on a page of a language with its own folder (pages every language has)."""
    if not folder:
        return path
    from .languages import SHARED_PAGES

    return folder + path if path in SHARED_PAGES else path


def format_number(n, language: str = "en") -> str:
    """A count in the page's language and digits (Babel): 12, ۱۲, ١٢; no grouping, as the theme always wrote it."""
    from babel.numbers import format_decimal

    from ..dates import _locale

    return format_decimal(n, locale=_locale(language), group_separator=False)


def language_name(code, in_language: str = "en") -> str:
    """"fr" -> "French" (in the site's language, via babel); unknown codes are shown as written."""
    if not code:
        return ""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(str(code).replace("-", "_")).get_display_name(Locale.parse(in_language.replace("-", "_")))
    except (ValueError, UnknownLocaleError, TypeError):
        return str(code)
    return name[:1].upper() + name[1:] if name else str(code)


def render(site: Site, theme: Theme, routes: Iterable[Route], views: Views | None = None) -> Iterator[tuple[Route, View, Output]]:
    """Render each route; a template problem raises :class:`RenderError` naming the template file:line."""
    views = views or Views(site, PAGE_VIEWS)
    install_filters(theme, site)
    installed = site.config.language
    if site.translations:  # a kept theme (serve, rebuilds) last rendered another language's pages, maybe
        _forget_modules(theme)
    cache: dict[str, jinja2.Template] = {}
    if site.translations:  # one language after the other: each switch reloads the imported macros
        order = {lang.code: i for i, lang in enumerate(site.translations.languages)}
        routes = sorted(routes, key=lambda r: order.get(views.route_language(r), 0))
    for route in routes:
        view = views.view(route)
        name = view.template
        language = view.context.get("lang", installed)
        if language != installed:  # a multilingual dossier: labels and dates of this page's language
            install_filters(theme, site, language)
            installed = language
            _forget_modules(theme)
        try:
            template = cache.get(name)
            if template is None:
                template = cache[name] = theme.env.get_template(name)
            text = template.render(view.context)
        except (jinja2.TemplateError, ThemeError) as exc:
            raise RenderError(theme.template_error(exc, name) if not isinstance(exc, ThemeError) else exc.diagnostic) from None
        except Exception as exc:  # a template's runtime error (e.g. calling a missing method)
            raise RenderError(theme.template_error(exc, name)) from None
        yield route, view, Output(output_path(route.url), text.encode("utf-8"))


def _forget_modules(theme: Theme) -> None:
    """Imported macros (the timeline's) keep the labels and globals of the language they were first
    loaded in: make them load again. No template is parsed or compiled again."""
    for template in list(theme.env.cache.values()) if theme.env.cache is not None else ():
        template._module = None


def render_outputs(site: Site, views: Views) -> Iterator[Output]:
    """Every extra output listed in ``registry.OUTPUTS``."""
    for func in OUTPUTS:
        yield from func(site, views)


__all__ = ["render", "render_outputs", "OUTPUTS", "PAGE_VIEWS", "POST_WRITE", "RenderError", "Theme", "ThemeError", "Views"]
