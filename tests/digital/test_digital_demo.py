"""`procurehub demo` loads one council's inventory through the upload path (so the demo
exercises it) and the others through the service; both business cases are built."""

from __future__ import annotations

from sqlalchemy import select

from procurehub.extensions import db


def test_demo_loads_north_lanarkshires_inventory_as_an_upload(app):
    from plugins.digital.models import DigitalBusinessCase, DigitalSystem
    from procurehub import demo
    from procurehub.audit.models import AuditEvent
    from procurehub.registers.models import Upload

    with app.app_context():
        demo.load()
        db.session.commit()
        [upload] = db.session.scalars(select(Upload).where(Upload.kind == "digital.systems"))
        assert upload.status == "stored" and upload.filename == "ict-systems.csv"
        assert upload.report["created"] == 2 and upload.report["rejected"] == 0
        nlc = list(
            db.session.scalars(
                select(DigitalSystem).where(DigitalSystem.council_code == "S12000050")
            )
        )
        assert sorted(s.product for s in nlc) == ["NEC Housing", "Tranman"]
        housing = next(s for s in nlc if s.category == "digital.housing_management_system")
        assert housing.hosting_model == "hosted" and housing.housing_stock == 36500
        assert housing.extension_periods_months == [12]
        created = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "digital_system", AuditEvent.upload_id == upload.id
            )
        ).all()
        assert len(created) == 2
        assert len(db.session.scalars(select(DigitalBusinessCase)).all()) == 2
