"""Property tests from the OpenAPI description: no 500, answers match the description.

Bounded and deterministic: a fixed number of examples per operation, derandomized,
on one database per backend. Each example acts as a new admin, so a generated
request that revokes a token or changes a role cannot lock the next ones out;
examples whose headers are generated invalid on purpose go without a token.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from lotline.api import create_app
from lotline.api.context import Server
from tests.conftest import postgres_schema_url

EXAMPLES = 10
_admins = itertools.count(1)

schema = schemathesis.openapi.from_dict(create_app("sqlite://").openapi())
# A request can fit the description and still name a product that does not exist, give
# a cursor this server never issued or a quantity with 7 decimals: lotline answers 422.
_accepted = schema.config.checks.positive_data_acceptance
_accepted.expected_statuses = [*_accepted.expected_statuses, "422"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Any]:
    """The API on a small stocked database, once per backend for the whole module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'lotline.db'}"
    else:
        database = request.getfixturevalue("postgres_database")
        if database is None:
            pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
        url = postgres_schema_url(database)
    app = create_app(url)
    schema.app = app
    base = app.state.server.base
    base.settings.update(lots_and_serials=True)
    base.products.create("CHAIR", "Chair", "serial")
    base.products.create("WOOD", "Oak", "lot")
    receipt = base.transfers.receipt(
        [{"product": "CHAIR", "lots": ["SN1", "SN2"]}, {"product": "WOOD", "lots": {"OAK": 9}}]
    )
    base.transfers.validate(receipt)
    yield app
    base.close()


def _fresh_admin(app: Any) -> str:
    server: Server = app.state.server
    name = f"admin-{next(_admins)}"
    server.users.add(name, "admin")
    return server.users.token(name)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_it_describes(case: Any, served: Any) -> None:
    case.operation.app = served
    case.operation.schema.app = served
    headers: dict[str, str] = {}
    if not (case.meta and case.meta.is_negative_at(ParameterLocation.HEADER)):
        headers["Authorization"] = f"Bearer {_fresh_admin(served)}"
    case.call_and_validate(headers=headers)
