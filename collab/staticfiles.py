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
