"""`procurehub demo` adds the bulky waste demo: six councils' profiles over two years and one
saved joint model that works out."""

from __future__ import annotations

from sqlalchemy import func, select

from procurehub.extensions import db


def test_demo_loads_profiles_and_a_joint_model(app):
    from plugins.waste import service
    from plugins.waste.models import BulkyProfile, JointModel
    from procurehub import demo

    with app.app_context():
        demo.load()
        years = dict(
            db.session.execute(
                select(BulkyProfile.financial_year, func.count()).group_by(
                    BulkyProfile.financial_year
                )
            ).all()
        )
        assert years == {"2023-24": 6, "2024-25": 6}
        model = db.session.scalars(select(JointModel)).one()
        result, problem = service.model_outcome(model)
        assert problem is None and result.saving > 0
        assert model.author_email == "coordinator@procurehub.example"
        assert all(
            p.contract_references for p in service.all_profiles(year="2024-25")
        )  # linked to the demo's bulky waste contracts
        benchmark = service.benchmark_for("2024-25").benchmark
        assert benchmark.measure("cost_per_tonne").known == 6
