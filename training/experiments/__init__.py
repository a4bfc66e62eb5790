"""NER model families measured against the shipped spaCy NER and not taken (README, Models).

They need libraries the project does not install: ``pip install python-crfsuite`` for
``char_crf``, ``pip install torch==2.13.0`` for ``bilstm_crf``.
"""
