"""API schemas of categories and their alignment settings."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class CategorySchema(ma.Schema):
    key = fields.Str()
    workstream = fields.Str()
    label = fields.Str()
    cpv_codes = fields.List(fields.Str())
    ewc_codes = fields.List(fields.Str())
    keywords = fields.List(fields.Str())
    compatible = fields.List(fields.Str())
    lead_time_months = fields.Int()
    tolerance_months = fields.Int(allow_none=True)
    min_councils = fields.Int(allow_none=True)


class CategorySettingsSchema(ma.Schema):
    """Alignment settings a coordinator may change for one category."""

    lead_time_months = fields.Int(validate=validate.Range(min=0, max=120))
    tolerance_months = fields.Int(validate=validate.Range(min=0, max=60))
    min_councils = fields.Int(validate=validate.Range(min=2, max=400))
