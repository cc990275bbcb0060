"""The installed wheel (not the checkout) can init and build a dossier: the default theme ships inside it."""
import os
import subprocess
import sys
import venv

from conftest import REPO


def test_wheel_in_fresh_venv_inits_and_builds(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("dossier-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "dossier/themes/default/templates/base.html" in names
    assert "dossier/themes/default/static/style.css" in names
    for lang in ("en", "fr", "fa", "ps", "ar"):  # the labels' compiled catalogs ship with the theme
        assert f"dossier/themes/default/locale/{lang}/LC_MESSAGES/messages.mo" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    dossier = env_dir / "bin" / "dossier"
    subprocess.run([str(dossier), "init", "mysite"], cwd=work, check=True, capture_output=True, env=clean_env)
    proc = subprocess.run([str(dossier), "build", "--strict"], cwd=work / "mysite", capture_output=True, text=True, env=clean_env)
    assert proc.returncode == 0, proc.stderr
    assert (work / "mysite/build/articles/first-report/index.html").is_file()
    assert (work / "mysite/build/static/style.css").is_file()
    # the theme came from the installed package, not from this checkout
    where = subprocess.run([str(py), "-c", "import dossier.render.theme as t; print(t.packaged_theme_dir('default'))"],
                           cwd=work, capture_output=True, text=True, env=clean_env).stdout.strip()
    assert str(env_dir) in where
