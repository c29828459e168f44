"""inforelay: information relays of recurrent neural networks.

Modules follow the data (each imports only from modules listed before it):
``seeding``/``provenance``/``io`` → ``tasks`` → ``models`` → ``training`` →
``recording`` → ``info`` → ``relay`` → ``knockout``, ``latent``, ``stability``,
``flow`` → ``figures`` → ``claims``.

Importing the package is cheap: submodules (and torch) load only when used.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
