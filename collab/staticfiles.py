"""Static files named by their content's hash, ES module imports included.

Django rewrites ``import ... from "./x.js"`` inside modules only when asked; without it a
module would load its imports under their plain names, which nginx may not cache for long.
A file missing from the manifest is served under its plain name rather than raising, so a
template naming a file collectstatic did not see degrades instead of answering 500.
"""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class HashedStaticFilesStorage(ManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
    manifest_strict = False

    def url_converter(self, name, hashed_files, template=None):  # type: ignore[no-untyped-def,override]
        convert = super().url_converter(name, hashed_files, template)
        if name.startswith("frontend/"):
            return convert  # our own files: a broken reference fails collectstatic

        def tolerant(matchobj):  # type: ignore[no-untyped-def]
            try:
                return convert(matchobj)
            except ValueError:
                # A library's file naming one it does not ship (django-htmx's extensions
                # import htmx, which we vendor ourselves): left as written.
                return matchobj.groupdict()["matched"]
        return tolerant
