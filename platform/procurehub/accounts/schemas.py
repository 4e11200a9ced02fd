"""API schemas of councils."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from procurehub.api.schemas import Id


class CouncilSchema(ma.Schema):
    id = Id(dump_only=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    region = fields.Str(allow_none=True)
