"""extract: Chinese news pages to a schema-validated JSON dataset."""
__version__ = "0.1.0"
