"""The categories API: each workstream's categories and their alignment settings."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from procurehub.accounts.authz import require_write
from procurehub.api.schemas import page_schema
from procurehub.extensions import db
from procurehub.workstreams.categories import update_category_settings
from procurehub.workstreams.models import Category
from procurehub.workstreams.registry import enabled_plugins
from procurehub.workstreams.schemas import CategorySchema, CategorySettingsSchema

categories = Blueprint(
    "categories",
    __name__,
    url_prefix="/api/v1/categories",
    description="Categories owned by the workstream plugins",
)


CategoryPage = page_schema(CategorySchema, "CategoryPage")


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
