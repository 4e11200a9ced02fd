"""Core API resources: councils, categories, contracts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound, UnprocessableEntity

from procurehub.accounts.authz import require_write
from procurehub.accounts.service import AccountError, get_council
from procurehub.api.schemas import page_schema
from procurehub.contracts import service as contract_service
from procurehub.contracts.models import Contract
from procurehub.contracts.rules import ContractRuleError
from procurehub.contracts.schemas import ContractQuerySchema, ContractSchema, ContractUpdateSchema
from procurehub.extensions import db

contracts = Blueprint(
    "contracts", __name__, url_prefix="/api/v1/contracts", description="Every council's contracts"
)

ContractPage = page_schema(ContractSchema, "ContractPage")










def _contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"No contract {contract_id}.")
    return contract




@contracts.route("")
class ContractList(MethodView):
    @contracts.arguments(ContractQuerySchema, location="query")
    @contracts.response(200, ContractPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Contracts matching every filter given, a page at a time.

        Ordered by id; with `ends_after`/`ends_before` (and no `q`) by end date, then id.
        Follow `next` with `?cursor=` and the same filters; a cursor from other filters
        in another order is refused with a 400.
        """
        return contract_service.contract_page(args, args.get("cursor"), args["limit"])

    @contracts.arguments(ContractSchema)
    @contracts.response(201, ContractSchema)
    def post(self, data: dict[str, Any]) -> Contract:
        code = data.pop("council_code", None) or current_user.council.code
        try:
            council = get_council(code)
        except AccountError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        require_write(current_user, council.id, what="contracts")
        try:
            contract = contract_service.create_contract(council, data, user=current_user)
        except ContractRuleError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        db.session.commit()
        return contract


@contracts.route("/<id:contract_id>")
class ContractItem(MethodView):
    @contracts.response(200, ContractSchema)
    def get(self, contract_id: int) -> Contract:
        return _contract_or_404(contract_id)

    @contracts.arguments(ContractUpdateSchema(partial=True))
    @contracts.response(200, ContractSchema)
    def patch(self, data: dict[str, Any], contract_id: int) -> Contract:
        """Change some fields of a contract (partial update)."""
        return _update(data, contract_id)

    @contracts.arguments(ContractUpdateSchema(partial=True))
    @contracts.response(200, ContractSchema)
    def put(self, data: dict[str, Any], contract_id: int) -> Contract:
        """Same as PATCH: fields not sent are left as they are."""
        return _update(data, contract_id)

    @contracts.response(204)
    def delete(self, contract_id: int) -> None:
        contract = _contract_or_404(contract_id)
        require_write(current_user, contract.council_id, what="contracts")
        contract_service.delete_contract(contract, user=current_user)
        db.session.commit()


def _update(data: dict[str, Any], contract_id: int) -> Contract:
    contract = _contract_or_404(contract_id)
    require_write(current_user, contract.council_id, what="contracts")
    if "council_code" in data and data.pop("council_code") != contract.council.code:
        raise UnprocessableEntity(
            "A contract cannot move to another council; create it there instead."
        )
    try:
        contract_service.update_contract(contract, data, user=current_user)
    except ContractRuleError as exc:
        raise UnprocessableEntity(str(exc)) from exc
    db.session.commit()
    return contract
