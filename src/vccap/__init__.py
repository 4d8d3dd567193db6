"""vccap: knowledge capitalisation and transfer kit for rural development networks."""

import sys

__version__ = "0.1.0"

# jsonschema (imported by nbformat, hence by papermill, nbconvert and plotly's renderers)
# imports ``rfc3987_syntax`` when it is installed (JupyterLab brings it), and that package
# compiles a Lark grammar at import: 1.5 to 6 s in every build worker and every kernel, for
# an "iri" format check that nothing in vccap asks for. Marking it absent before jsonschema
# loads makes jsonschema skip that one check (its documented behaviour without the package).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
