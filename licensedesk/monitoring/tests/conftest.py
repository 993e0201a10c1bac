import pytest

from licensedesk.monitoring import thresholds, tokens, writer


def _forget():
    thresholds.forget_all()
    tokens.forget_all()
    writer.forget_accepted()


@pytest.fixture(autouse=True)
def _fresh_process():
    """What a web process keeps in memory (thresholds, tokens, the last reports it accepted)
    is kept by ids, and ids come back between tests: every test starts as a new process."""
    _forget()
    yield
    _forget()
