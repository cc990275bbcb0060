"""``dossier import --from hugo|jekyll SITE``: a whole site into a new dossier folder.

The site is only read. Content goes into kinds (dated sections such as
``blog/``, ``posts/``, Jekyll's ``_posts/`` become articles), page bundles and
other files are copied beside their pages, Hugo's ``static/`` (and Jekyll's
asset folders) into content/ so they keep their addresses. Front matter is
rewritten as YAML in dossier's fields (``categories`` join ``tags``, Hugo
``aliases`` and old Jekyll addresses become ``previous_slugs`` redirects,
generator-only keys are dropped); the site's title, base URL and language go
into dossier.yaml. Shortcodes and Liquid tags the build understands are left
for it; the others are listed, with file:line, among what needs a human.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .parse.conventions import MARKDOWN_EXTENSIONS, read_name
from .parse.frontmatter import FrontMatterError, load_front_matter, split_front_matter
from .parse.shortcodes import LIQUID, SHORTCODE, SIMPLE, PAIRED
from .yamltools import load_yaml

ARTICLE_SECTIONS = {"post", "posts", "blog", "news", "articles", "article", "stories", "updates", "_posts", "_drafts"}
DROPPED = {"id", "guid", "layout", "weight", "bigimg", "comments", "share", "menu", "toc", "type", "images",
           "expirydate", "keywords", "sitemap", "outputs", "cascade", "build", "markup", "headless", "linktitle",
           "excerpt_separator", "redirect_from", "redirect_to", "subtitle", "thumbnail", "image",
           "featured_image", "cover", "header", "show_in_homepage", "translationkey"}
RENAMED = {"lastmod": "updated", "modified": "updated", "last_modified_at": "updated", "publishdate": "date",
           "description": "summary", "excerpt": "summary"}
JEKYLL_SKIP = {"_layouts", "_includes", "_sass", "_data", "_site", "_plugins", "_config.yml", "vendor", "node_modules",
               "Gemfile", "Gemfile.lock", ".jekyll-cache", ".sass-cache", "_config.yaml"}
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json", "config/_default/hugo.toml", "config/_default/config.toml",
                "config/_default/hugo.yaml", "config/_default/config.yaml")
LIQUID_UNDERSTOOD = {"highlight", "endhighlight", "raw", "endraw", "post_url", "link"}


class MigrateProblem(Exception):
    pass


@dataclass
class Report:
    generator: str
    target: Path
    config: dict = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)  # kind folder -> Markdown files
    bundles: int = 0
    files: int = 0  # other files copied
    redirects: int = 0
    converted: Counter = field(default_factory=Counter)  # what was rewritten (categories -> tags, ...)
    understood: Counter = field(default_factory=Counter)  # shortcodes / tags the build handles
    needs_human: list[str] = field(default_factory=list)  # "file:line: what"
    dropped: Counter = field(default_factory=Counter)  # front-matter keys left out


def _load_config(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".toml":
        from .parse.frontmatter import tomllib

        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    data = load_yaml(text).data
    return data if isinstance(data, dict) else {}


def _site_config(generator: str, site: Path, report: Report) -> dict:
    """title, base_url, language for dossier.yaml, from the generator's own config file."""
    names = HUGO_CONFIGS if generator == "hugo" else ("_config.yml", "_config.yaml")
    for name in names:
        path = site / name
        if path.is_file():
            try:
                raw = _load_config(path)
            except Exception as exc:  # a config we cannot read: say so, import the content anyway
                report.needs_human.append(f"{name}: could not read it ({exc}); set title and base_url in dossier.yaml")
                return {"title": site.name}
            return _config_fields(generator, raw, site)
    report.needs_human.append(f"no {names[0]} found: title is the folder's name; set base_url in dossier.yaml")
    return {"title": site.name}


def _config_fields(generator: str, raw: dict, site: Path) -> dict:
    low = {str(k).lower(): v for k, v in raw.items()}
    out = {"title": str(low.get("title") or site.name)}
    if generator == "hugo":
        base = low.get("baseurl")
        lang = low.get("languagecode") or low.get("defaultcontentlanguage")
        params = low.get("params") if isinstance(low.get("params"), dict) else {}
        desc = params.get("description") or low.get("description")
    else:
        base = (str(low.get("url") or "").rstrip("/") + "/" + str(low.get("baseurl") or "").strip("/")).rstrip("/") + "/"
        base = base if base.startswith("http") else None
        lang = low.get("lang") or low.get("locale")
        desc = low.get("description")
    if base and str(base).startswith("http"):
        out["base_url"] = str(base).rstrip("/") + "/"
    if lang:
        out["language"] = str(lang).split("-")[0].split("_")[0].lower()
    if desc:
        out["description"] = str(desc)
    pattern = _article_permalink(generator, low.get("permalinks"))
    if pattern:
        out["permalinks"] = {"article": pattern}  # dossier reads Hugo's :year/:month/:day/:title/:slug/:filename
    return out


def _article_permalink(generator: str, permalinks) -> str | None:
    """Hugo's permalink pattern for the section that becomes articles (``permalinks: {blog: ...}``)."""
    if generator != "hugo" or not isinstance(permalinks, dict):
        return None
    if isinstance(permalinks.get("page"), dict):  # Hugo 0.120+: permalinks: {page: {posts: ...}}
        permalinks = permalinks["page"]
    for section, pattern in permalinks.items():
        if _section_folder(str(section)) == "articles" and isinstance(pattern, str):
            return pattern
    return None


def _target_folder(site: Path, target: Path) -> Path:
    site, target = site.resolve(), target.resolve()
    if target == site or target.is_relative_to(site) or site.is_relative_to(target):
        raise MigrateProblem(f"{target} is inside {site} (or holds it): import into a folder of its own; the site is never written to")
    if target.exists() and any(target.iterdir()):
        raise MigrateProblem(f"{target} is not empty: import into a new folder")
    return target


def migrate(generator: str, site: Path, target: Path) -> Report:
    site = Path(site)
    if not site.is_dir():
        raise MigrateProblem(f"{site} is not a folder")
    target = _target_folder(site, Path(target))
    report = Report(generator, target)
    report.config = _site_config(generator, site, report)
    plan = _hugo_plan(site) if generator == "hugo" else _jekyll_plan(site)
    if not any(src.suffix.lower() in MARKDOWN_EXTENSIONS for src, _ in plan):
        raise MigrateProblem(f"no Markdown content found in {site} (is it a {generator} site?)")
    target.mkdir(parents=True, exist_ok=True)
    for src, dest in plan:
        out = target / dest
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix.lower() in MARKDOWN_EXTENSIONS:
            _convert_file(src, out, dest, generator, report)
        else:
            shutil.copyfile(src, out)
            report.files += 1
    (target / "dossier.yaml").write_text(_dump(report.config), encoding="utf-8")
    (target / ".gitignore").write_text("build/\n.dossier-cache/\n", encoding="utf-8")
    return report


def _walk(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts):
            yield path


def _section_folder(name: str) -> str:
    return "articles" if name.lower() in ARTICLE_SECTIONS else name


def _hugo_plan(site: Path) -> list[tuple[Path, str]]:
    plan = []
    content = site / "content"
    for path in _walk(content) if content.is_dir() else ():
        parts = path.relative_to(content).parts
        dest = (_section_folder(parts[0]),) + parts[1:] if len(parts) > 1 else parts
        plan.append((path, "content/" + "/".join(dest)))
    static = site / "static"
    for path in _walk(static) if static.is_dir() else ():
        plan.append((path, "content/" + path.relative_to(static).as_posix()))  # published at the same address
    return plan


def _jekyll_plan(site: Path) -> list[tuple[Path, str]]:
    plan = []
    for path in _walk(site):
        parts = path.relative_to(site).parts
        if parts[0] in JEKYLL_SKIP or (len(parts) == 1 and path.suffix.lower() not in MARKDOWN_EXTENSIONS):
            continue  # layouts, includes, config; top-level HTML templates and Gemfiles are the theme's
        if parts[0].startswith("_"):
            dest = (_section_folder(parts[0]) if parts[0] in ("_posts", "_drafts") else parts[0][1:],) + parts[1:]
        elif len(parts) == 1 and path.stem in ("index", "404", "README", "readme", "LICENSE"):
            continue  # the home page, the 404 page and repository files are the theme's or the repository's
        else:
            dest = parts
        plan.append((path, "content/" + "/".join(dest)))
    return plan


def _convert_file(src: Path, out: Path, dest: str, generator: str, report: Report) -> None:
    raw = src.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    name = read_name(dest)
    report.kinds[dest.split("/")[1] if dest.count("/") > 1 else "(pages)"] += 1
    report.bundles += name.bundle
    try:
        split = split_front_matter(raw)
        data = dict(load_front_matter(split).data) if split.yaml_text is not None else None
    except FrontMatterError as exc:
        report.needs_human.append(f"{dest}:{exc.line or 1}: front matter could not be read ({exc.message}); copied as it was")
        out.write_text(raw, encoding="utf-8")
        return
    body = split.body if data is not None else raw
    if data is None:
        data = {}
        title = name.stem.replace("-", " ").replace("_", " ").strip().capitalize()
        data["title"] = title
        report.needs_human.append(f"{dest}:1: no front matter; title made from the file name: \"{title}\"")
    fields = _fields(data, dest, generator, name, report)
    _hugo_old_url(fields, dest, name, report)
    if generator == "jekyll" and "_drafts" in src.parts:
        fields["draft"] = True
    front = "---\n" + _dump(fields) + "---\n"
    _scan_body(body, dest, front.count("\n") + 1, report, generator)  # lines of the new file
    out.write_text(front + body, encoding="utf-8")


def _fields(data: dict, dest: str, generator: str, name, report: Report) -> dict:
    out: dict = {}
    collected: dict[str, list] = {"tags": [], "previous_slugs": []}
    for key, value in data.items():
        low = str(key).lower()
        handler = KEY_RULES.get(low)
        if handler is None and low in RENAMED:
            handler = _rename
        (handler or _keep)(key, low, value, out, collected, data, generator, report)
    if generator == "jekyll" and dest.startswith("content/articles/") and "permalink" not in out and name.date:
        collected["previous_slugs"].append(_jekyll_url(name, data))
    if collected["tags"]:
        out["tags"] = list(dict.fromkeys(str(t).replace("+", " ") for t in collected["tags"] if t not in (None, "")))
    if collected["previous_slugs"]:
        out["previous_slugs"] = list(dict.fromkeys(collected["previous_slugs"]))
        report.redirects += len(out["previous_slugs"])
    if dest.startswith("content/articles/") and "date" not in out and not name.date and not name.section:
        report.needs_human.append(f"{dest}:1: an article with no date (neither in front matter nor in the file name)")
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value not in (None, "") else []


def _keep(key, low, value, out, collected, data, generator, report):
    out[key] = value


def _drop(key, low, value, out, collected, data, generator, report):
    report.dropped[low] += 1


def _tags(key, low, value, out, collected, data, generator, report):
    collected["tags"] += _as_list(value)
    if low != "tags":
        report.converted[f"{low} -> tags"] += 1


def _aliases(key, low, value, out, collected, data, generator, report):
    if generator != "hugo":  # Jekyll has no aliases: the key is the author's own (dossier reads names)
        out[key] = value
        return
    collected["previous_slugs"] += ["/" + str(a).lstrip("/") for a in _as_list(value)]  # Hugo: old paths


def _rename(key, low, value, out, collected, data, generator, report):
    ours = RENAMED[low]
    if ours in out or ours in data:
        out[key] = value  # ours is set too: keep both, the build notes the unknown one
        return
    out[ours] = value
    report.converted[f"{low} -> {ours}"] += 1


def _author(key, low, value, out, collected, data, generator, report):
    out["authors"] = _as_list(value)


def _published(key, low, value, out, collected, data, generator, report):
    if value is False:  # Jekyll's "published: false": not on the site
        out["draft"] = True
        report.converted["published: false -> draft: true"] += 1
    else:
        report.dropped[low] += 1


KEY_RULES = {  # front-matter key (lower case) -> what the import does with it
    **{k: _drop for k in DROPPED},
    "published": _published,
    "categories": _tags, "category": _tags, "tags": _tags,
    "aliases": _aliases,
    "author": _author,
}


def _hugo_old_url(fields: dict, dest: str, name, report: Report) -> None:
    """Hugo's ``:title``/``:slug`` come from the title; dossier's from the file name: keep the old address."""
    pattern = report.config.get("permalinks", {}).get("article")
    if not pattern or not dest.startswith("content/articles/") or name.section or fields.get("url") or fields.get("permalink"):
        return
    from .dates import DateError, parse_date
    from .names import slugify
    from .resolve.routes import expand

    try:
        date = parse_date(fields.get("date") or name.date) if (fields.get("date") or name.date) else None
    except DateError:
        return
    title_slug = slugify(str(fields.get("slug") or fields.get("title") or name.stem))
    ours_slug = slugify(str(fields.get("slug") or name.stem))
    if title_slug == ours_slug:
        return

    old = "/" + expand(pattern.replace(":title", ":slug"), title_slug, "article", date)
    if ":filename" not in pattern:
        fields["previous_slugs"] = list(dict.fromkeys([*fields.get("previous_slugs", []), old]))
        report.redirects += 1


def _jekyll_url(name, data: dict) -> str:
    """Jekyll's default post address: /:categories/:year/:month/:day/:title.html."""
    cats = data.get("categories") or data.get("category") or []
    cats = cats.split() if isinstance(cats, str) else [str(c) for c in cats]
    y, m, d = name.date.split("-")
    return "/" + "/".join([*(c.lower() for c in cats), y, m, d, name.stem + ".html"])


def _scan_body(body: str, dest: str, first_line: int, report: Report, generator: str) -> None:
    from .parse.shortcodes import _masked

    masked = _masked(body)
    for m in SHORTCODE.finditer(masked):
        tag = m.group(3).lower()
        if tag in SIMPLE or tag in PAIRED:
            report.understood[f"{{{{< {tag} >}}}}"] += 1 if not m.group(2) else 0
        else:
            report.needs_human.append(f"{dest}:{first_line + masked.count(chr(10), 0, m.start())}: shortcode "
                                      f'"{tag}" is not understood; the build leaves it out (rewrite it as Markdown)')
    for m in LIQUID.finditer(masked):
        if m.start() > 0 and masked[m.start() - 1] == "{":
            continue  # {{% shortcode %}}
        tag = m.group(1).lower()
        if tag in LIQUID_UNDERSTOOD:
            report.understood[f"{{% {tag} %}}"] += 1
        else:
            report.needs_human.append(f"{dest}:{first_line + masked.count(chr(10), 0, m.start())}: Liquid tag "
                                      f'"{{% {tag} %}}" is not understood; the build leaves it out (write what it included)')


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def format_report(report: Report) -> list[str]:
    lines = [f"imported a {report.generator} site into {report.target}"]
    cfg = report.config
    lines.append(f"  dossier.yaml: title \"{cfg.get('title')}\""
                 + (f", base_url {cfg['base_url']}" if cfg.get("base_url") else ", no base_url")
                 + (f", language {cfg['language']}" if cfg.get("language") else ""))
    for kind, n in sorted(report.kinds.items()):
        lines.append(f"  content/{kind}/: {n} Markdown file{'s' * (n != 1)}")
    lines.append(f"  {report.bundles} page bundle{'s' * (report.bundles != 1)}, {report.files} other file"
                 f"{'s' * (report.files != 1)} copied (images are stripped of their metadata when published)")
    lines.append(f"  {report.redirects} old address{'es' * (report.redirects != 1)} kept as redirects (previous_slugs)")
    for what, n in sorted(report.converted.items()):
        lines.append(f"  converted {what}: {n}")
    for what, n in sorted(report.understood.items()):
        if n:
            lines.append(f"  left for the build, which understands it: {what} x{n}")
    if report.dropped:
        lines.append("  dropped front-matter keys (generator-only): "
                     + ", ".join(f"{k} x{n}" for k, n in sorted(report.dropped.items())))
    if report.needs_human:
        lines.append(f"needs a human ({len(report.needs_human)}):")
        lines += [f"  {item}" for item in report.needs_human]
    else:
        lines.append("nothing needs a human")
    lines.append(f"next: dossier build --source {report.target}")
    return lines
