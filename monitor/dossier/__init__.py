"""The unit dossier: every stored item that implicates or touches a unit or any unit under it.

    build    gather it from the store (a fixed handful of queries) into `model` types
    model    the dossier as plain frozen values: summary, case groups, entries
    render   HTML (print-ready, Jinja2 autoescape), JSON (schema in dossier.schema.json), CSV
"""
