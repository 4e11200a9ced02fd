"""API schemas of councils."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class CouncilSchema(ma.Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    region = fields.Str(allow_none=True)
