"""Every page lives in frontend/: the domain apps hold models, services, selectors, access
rules, API routers, tasks and their own email templates, and never reach up into the web layer
(not even through an import inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("communities", "docs_store", "meetings", "emails", "replies", "reports",
               "inbox")
#: What a page is made of; none of these belongs in a domain app.
PAGE_MODULES = {"views.py", "urls.py", "forms.py", "live.py"}
#: The back office is Django's admin, configured beside each app's admin.py.
BACK_OFFICE_TEMPLATES = {"docs_store/admin_index.html", "docs_store/admin_change_list.html",
                         "docs_store/antivirus_notice.html"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a file, at any depth of the tree."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend([(node.lineno, node.module)])
    return found


def web_imports(root: Path, app: str) -> list[str]:
    return [f"{path.relative_to(root)}:{line} imports {module}"
            for path in sorted((root / app).rglob("*.py"))
            for line, module in imported_modules(path)
            if module == "frontend" or module.startswith("frontend.")]


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_a_domain_app_never_imports_the_pages(app: str) -> None:
    assert web_imports(ROOT, app) == []


def test_late_imports_inside_functions_are_seen_too(tmp_path: Path) -> None:
    module = tmp_path / "somewhere" / "helpers.py"
    module.parent.mkdir()
    module.write_text("def later():\n    from frontend.queries import space_or_404\n")
    assert web_imports(tmp_path, "somewhere") == [
        "somewhere/helpers.py:2 imports frontend.queries"]


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_a_domain_app_has_no_page_modules(app: str) -> None:
    pages = [str(path.relative_to(ROOT)) for path in (ROOT / app).rglob("*.py")
             if path.name in PAGE_MODULES and "migrations" not in path.parts]
    assert pages == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_a_domain_app_keeps_only_its_email_templates(app: str) -> None:
    templates = ROOT / app / "templates"
    pages = [str(path.relative_to(ROOT)) for path in templates.rglob("*.*")
             if not {"email", "mail"} & set(path.relative_to(templates).parts)
             and str(path.relative_to(templates)) not in BACK_OFFICE_TEMPLATES]
    assert pages == []
