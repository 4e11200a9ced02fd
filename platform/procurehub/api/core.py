"""Core API resources: councils, categories, contracts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound, UnprocessableEntity

from .. import contracts as contract_service
from ..accounts import AccountError, get_council
from ..authz import require_write
from ..categories import update_category_settings
from ..extensions import db
from ..models import Category, Contract, Council
from ..plugins import enabled_plugins
from .pagination import keyset_page
from .schemas import (
    CategorySchema,
    CategorySettingsSchema,
    ContractQuerySchema,
    ContractSchema,
    ContractUpdateSchema,
    CouncilSchema,
    page_schema,
)

councils = Blueprint(
    "councils", __name__, url_prefix="/api/v1/councils", description="Councils in the collaboration"
)
categories = Blueprint(
    "categories",
    __name__,
    url_prefix="/api/v1/categories",
    description="Categories owned by the workstream plugins",
)
contracts = Blueprint(
    "contracts", __name__, url_prefix="/api/v1/contracts", description="Every council's contracts"
)

CouncilPage = page_schema(CouncilSchema, "CouncilPage")
CategoryPage = page_schema(CategorySchema, "CategoryPage")
ContractPage = page_schema(ContractSchema, "ContractPage")


@councils.route("")
class CouncilList(MethodView):
    @councils.response(200, CouncilPage)
    def get(self) -> dict[str, Any]:
        items = list(db.session.scalars(select(Council).order_by(Council.code)))
        return {"items": items, "next": None}


@councils.route("/<code>")
class CouncilItem(MethodView):
    @councils.response(200, CouncilSchema)
    def get(self, code: str) -> Council:
        try:
            return get_council(code)
        except AccountError as exc:
            raise NotFound(str(exc)) from exc


@categories.route("")
class CategoryList(MethodView):
    @categories.response(200, CategoryPage)
    def get(self) -> dict[str, Any]:
        keys = list(enabled_plugins())
        items = list(
            db.session.scalars(
                select(Category).where(Category.workstream.in_(keys)).order_by(Category.key)
            )
        )
        return {"items": items, "next": None}


@categories.route("/<key>")
class CategoryItem(MethodView):
    @categories.response(200, CategorySchema)
    def get(self, key: str) -> Category:
        category = db.session.get(Category, key)
        if category is None:
            raise NotFound(f"No category {key!r}.")
        return category

    @categories.arguments(CategorySettingsSchema)
    @categories.response(200, CategorySchema)
    def patch(self, data: dict[str, Any], key: str) -> Category:
        """Change a category's lead time, tolerance or minimum councils (coordinators, admins)."""
        require_write(current_user, None, scope="coordination", what="category settings")
        try:
            category = update_category_settings(key, user=current_user, **data)
        except LookupError as exc:
            raise NotFound(str(exc)) from exc
        db.session.commit()
        return category


def _contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"No contract {contract_id}.")
    return contract


def filtered_contracts(args: dict[str, Any]) -> Any:
    """The contracts query behind the API list, the web list and exports."""
    # PostgreSQL refuses NUL characters in text parameters; no real filter contains one.
    args = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in args.items()}
    stmt = select(Contract)
    if args.get("council"):
        stmt = stmt.join(Contract.council).where(Council.code == args["council"])
    if args.get("workstream"):
        stmt = stmt.where(Contract.workstream == args["workstream"])
    if args.get("category"):
        stmt = stmt.where(Contract.category == args["category"])
    if args.get("ends_after"):
        stmt = stmt.where(Contract.end_date >= args["ends_after"])
    if args.get("ends_before"):
        stmt = stmt.where(Contract.end_date <= args["ends_before"])
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        stmt = stmt.where(
            or_(
                Contract.title.ilike(like),
                Contract.reference.ilike(like),
                Contract.supplier_name.ilike(like),
                Contract.description.ilike(like),
            )
        )
    return stmt


@contracts.route("")
class ContractList(MethodView):
    @contracts.arguments(ContractQuerySchema, location="query")
    @contracts.response(200, ContractPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        return keyset_page(filtered_contracts(args), Contract.id, args.get("cursor"), args["limit"])

    @contracts.arguments(ContractSchema)
    @contracts.response(201, ContractSchema)
    def post(self, data: dict[str, Any]) -> Contract:
        code = data.pop("council_code", None) or current_user.council.code
        try:
            council = get_council(code)
        except AccountError as exc:
            raise UnprocessableEntity(str(exc)) from exc
        require_write(current_user, council.id, what="contracts")
        contract = contract_service.create_contract(council, data, user=current_user)
        db.session.commit()
        return contract


@contracts.route("/<int:contract_id>")
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
    contract_service.update_contract(contract, data, user=current_user)
    db.session.commit()
    return contract


CORE_BLUEPRINTS = (councils, categories, contracts)
