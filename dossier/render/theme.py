"""Themes: a Jinja environment over a chain of template folders.

Lookup order, first match wins, file by file:
the site's own ``templates/`` -> ``themes/<name>/templates`` -> its parents
(``parent:`` in ``theme.yaml``) -> the packaged default theme.
Static files are layered the same way (the site's ``static/`` wins).
Themes are trusted code (like a Hugo project's layouts); content is never
evaluated as a template. Autoescaping is on for every template.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import diagnostics as dg
from ..i18n import locale_dirs, translations
from ..yamltools import YamlProblem, load_yaml
from .fragments import FragmentCache

RACY_SECONDS = 2  # closures_key: files changed more recently than this are not trusted by their stats
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class ThemeError(Exception):
    def __init__(self, diagnostic: dg.Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def packaged_dirs() -> tuple[Path, ...]:
    """The built-in default theme's catalogs (for code that has no theme at hand)."""
    default = packaged_theme_dir("default")
    return locale_dirs(Path("/nonexistent"), [default] if default else [])


def packaged_theme_dir(name: str) -> Path | None:
    for candidate in (PACKAGE_DIR / "themes" / name, PACKAGE_DIR.parent / "themes" / name):
        if (candidate / "templates").is_dir():
            return candidate
    return None


def find_theme_dir(root: Path, name: str) -> Path | None:
    local = root / "themes" / name
    if (local / "templates").is_dir() or (local / "theme.yaml").is_file():
        return local
    return packaged_theme_dir(name)


def _remembered(gettext):
    """Jinja's newstyle ``gettext`` with its answers kept: a page asks for the same few dozen labels
    (tens of thousands of calls in a build) and each answer is a catalog look-up, an escape and a
    ``%`` format. Labels with variables are formatted each time."""
    answers: dict = {}

    @jinja2.pass_context
    def remembered(context, message, **variables):
        if variables:
            return gettext(context, message, **variables)
        key = (message, context.eval_ctx.autoescape)
        try:
            answer = answers.get(key)
        except TypeError:  # not a string (an undefined name, say): asked each time
            return gettext(context, message)
        if answer is None:
            answer = answers[key] = gettext(context, message)
        return answer

    return remembered


class Theme:
    def __init__(self, root: Path, name: str = "default"):
        self.root = Path(root)
        self.name = name
        self.chain: list[Path] = []  # theme folders, child first
        seen = set()
        current = name
        while current and current not in seen and len(self.chain) < 8:
            seen.add(current)
            folder = find_theme_dir(self.root, current)
            if folder is None:
                raise ThemeError(dg.error("D402", f'theme "{current}" not found (looked in themes/{current}/ and the built-in themes)', "dossier.yaml"))
            self.chain.append(folder)
            current = self._parent(folder)
        default = packaged_theme_dir("default")
        if default and default not in self.chain:
            self.chain.append(default)  # everything falls back to the built-in default
        template_dirs = []
        site_templates = self.root / "templates"
        if site_templates.is_dir():
            template_dirs.append(site_templates)
        template_dirs += [d / "templates" for d in self.chain if (d / "templates").is_dir()]
        self.template_dirs = template_dirs
        self.static_dirs = [d / "static" for d in reversed(self.chain) if (d / "static").is_dir()]
        if (self.root / "static").is_dir():
            self.static_dirs.append(self.root / "static")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
            autoescape=True,
            undefined=jinja2.Undefined,  # lenient like every Jinja theme expects; errors still carry file:line
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=-1,
            # {{ _("label") }}: labels come from message catalogs (dossier/i18n.py); {% cache %}: render/fragments.py
            extensions=["jinja2.ext.i18n", FragmentCache],
        )
        # render.install_filters puts the page language's in place; this one lets templates compile before (warm)
        self.env.filters["num"] = str
        self.env.filters["script_line"] = script_line
        self.locale_dirs = locale_dirs(self.root, self.chain)
        self.closures_key_at_start = ""  # closures_key() when the build took this theme ("": racy, or no cache)
        self.references: dict[str, tuple | None] = {}  # template source -> what it references (_references)
        self.set_language("en")

    def set_language(self, language: str) -> None:
        """Labels of the following renders in ``language`` (catalogs of the site, the theme chain, the default)."""
        self.env.install_gettext_translations(translations(self.locale_dirs, language), newstyle=True)
        self.env.globals["_"] = self.env.globals["gettext"] = _remembered(self.env.globals["gettext"])

    def _parent(self, folder: Path) -> str | None:
        meta = folder / "theme.yaml"
        if not meta.is_file():
            return None
        try:
            data = load_yaml(meta.read_text(encoding="utf-8-sig")).data or {}
        except (YamlProblem, OSError, UnicodeDecodeError) as exc:
            raise ThemeError(dg.error("D402", f"theme.yaml could not be read: {exc}", str(meta))) from None
        parent = data.get("parent") if isinstance(data, dict) else None
        return str(parent) if parent else None

    def static_files(self) -> dict[str, Path]:
        """Output-relative path ("static/style.css") -> source file, later layers overriding earlier."""
        files: dict[str, Path] = {}
        for base in self.static_dirs:
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for name in filenames:
                    if name.startswith("."):
                        continue
                    full = Path(dirpath) / name
                    files["static/" + full.relative_to(base).as_posix()] = full
        return files

    def stamp(self) -> tuple:
        """Path, size and mtime of every template and static file: what tells that a kept Theme is still this one."""
        files = []
        extra = [self.root / "templates", self.root / "static", self.root / "themes"] + [d / "theme.yaml" for d in self.chain]
        for base in extra + self.template_dirs + self.static_dirs:
            if base.is_file():
                st = base.stat()
                files.append((str(base), "", st.st_size, st.st_mtime_ns))
            for dirpath, _, filenames in os.walk(base):
                for name in filenames:
                    try:
                        st = os.stat(os.path.join(dirpath, name))
                    except OSError:  # removed while we looked: the stamp differs anyway
                        continue
                    files.append((dirpath, name, st.st_size, st.st_mtime_ns))
        return tuple(sorted(files))

    def warm(self) -> None:
        """Parse and compile every template now (and the digests of what each includes), not at the first render."""
        for name in self.env.list_templates(extensions=("html", "xml", "txt", "json", "js")):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                continue  # rendering reports it with file:line
            self.closure_digest(name)

    def digest(self) -> str:
        """Digest of every template and static file (for caches)."""
        if "_digest" not in self.__dict__:
            self._digest = self._read_digest()
        return self._digest

    def _read_digest(self) -> str:
        h = hashlib.blake2b(digest_size=16)
        for base in self.template_dirs + self.static_dirs + list(self.locale_dirs):
            for dirpath, _, filenames in sorted(os.walk(base)):
                for name in sorted(filenames):
                    full = Path(dirpath) / name
                    h.update(str(full).encode())
                    h.update(full.read_bytes())
        return h.hexdigest()

    def catalog_digest(self) -> str:
        """Digest of the compiled message catalogs (a changed label re-renders every page)."""
        if "_catalogs" not in self.__dict__:
            h = hashlib.blake2b(digest_size=16)
            for base in self.locale_dirs:
                for full in sorted(base.rglob("*.mo")):
                    h.update(str(full).encode())
                    h.update(full.read_bytes())
            self.__dict__["_catalogs"] = h.hexdigest()
        return self.__dict__["_catalogs"]

    def closures_key(self) -> str | None:
        """What the closure digests are a function of, by file stats: the theme's files (``stamp``) and the
        message catalogs (``locale/`` folders). Equal keys: the digests of an earlier process hold (``known_closures``).

        None when a file changed less than ``RACY_SECONDS`` ago: a second edit within the file system's
        timestamp tick, to the same size, would keep the key (as git's "racily clean" entries)."""
        files = [*self.stamp()]
        for base in self.locale_dirs:  # every file: digest() (of a dynamic include) reads the .po files too
            for full in sorted(p for p in base.rglob("*") if p.is_file()):
                st = full.stat()
                files.append((str(full), "", st.st_size, st.st_mtime_ns))
        if any(f[3] > time.time_ns() - RACY_SECONDS * 1_000_000_000 for f in files):
            return None
        return hashlib.blake2b(repr((files, [str(d) for d in self.template_dirs])).encode(), digest_size=16).hexdigest()

    def closures(self) -> dict[str, str]:
        """The closure digests computed so far (template name -> digest)."""
        return dict(self.__dict__.get("_closures", {}))

    def known_closures(self, digests: dict[str, str]) -> None:
        """Closure digests an earlier process computed under the same ``closures_key``: not parsed again."""
        self.__dict__.setdefault("_closures", {}).update(digests)

    def closure_digest(self, name: str) -> str:
        """Digest of a template and every template it extends, includes or imports.

        A page needs rendering again when this changes. A dynamic reference
        (a name computed at render time) makes the page depend on the whole theme.
        """
        cache = self.__dict__.setdefault("_closures", {})
        if name in cache:
            return cache[name]
        h = hashlib.blake2b(digest_size=16)
        h.update(self.catalog_digest().encode())  # labels come from the catalogs
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, filename, _ = self.env.loader.get_source(self.env, current)
            except jinja2.TemplateNotFound:
                h.update(f"missing:{current}".encode())
                continue
            h.update(f"{current}\0{filename}\0{source}\0".encode())
            refs = self._references(source)
            if refs is None:
                continue  # a syntax error: rendering will report it with file:line
            if any(r is None for r in refs):
                h.update(self.digest().encode())
            todo.extend(r for r in refs if r)
        cache[name] = h.hexdigest()
        return cache[name]

    def _references(self, source: str) -> tuple | None:
        """The templates ``source`` extends, includes or imports (None: a computed name); None for a syntax error.
        Each distinct source is parsed once (base.html is in every closure), also across kept themes (``inherit``)."""
        from jinja2 import meta

        refs = self.references.get(source, False)
        if refs is False:
            try:
                refs = tuple(meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError:
                refs = None
            self.references[source] = refs
        return refs

    def inherit(self, older: "Theme") -> None:
        """A theme made again after an edit keeps what the older one read of the sources that did not change."""
        if older.template_dirs == self.template_dirs:
            self.references.update(older.references)

    def template_error(self, exc: BaseException, template_name: str | None = None) -> dg.Diagnostic:
        """A template problem as a diagnostic naming the template file and line."""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return dg.error("D401", f"template: {exc.message}", self._rel(exc.filename or exc.name), exc.lineno,
                            source_line=_line_of(exc.filename, exc.lineno))
        if isinstance(exc, jinja2.TemplateNotFound):
            return dg.error("D401", f"template not found: {exc.name}", None,
                            hint="looked in " + ", ".join(self._rel(str(d)) for d in self.template_dirs))
        tb = exc.__traceback__
        filename = lineno = None
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.endswith((".html", ".xml", ".txt", ".json", ".j2")):
                filename, lineno = code.co_filename, tb.tb_lineno
            tb = tb.tb_next
        msg = getattr(exc, "message", None) or str(exc)
        return dg.error("D401", f"template: {type(exc).__name__}: {msg}", self._rel(filename) if filename else template_name,
                        lineno, source_line=_line_of(filename, lineno))

    def _rel(self, filename: str | None) -> str | None:
        if not filename:
            return None
        try:
            return Path(filename).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return filename


def _line_of(filename, lineno):
    if not filename or not lineno:
        return None
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
        return lines[lineno - 1] if 0 < lineno <= len(lines) else None
    except (OSError, UnicodeDecodeError):
        return None


def script_line(html) -> Markup:
    """An HTML fragment as one line of a ``<script type="text/plain">`` block: newlines become spaces (one
    fragment per line) and ``</`` becomes ``<\\/``, so no ``</script>`` can end the block early (the page's
    script turns it back). Escaped text never holds a raw ``<``, so ``<\\/`` only ever comes from here."""
    return Markup(str(html).replace("\n", " ").replace("</", "<\\/"))
