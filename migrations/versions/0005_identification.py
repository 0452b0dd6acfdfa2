"""identification: identity providers as data; a keyed hash of the person's identifier; passwords optional

Revision ID: identification
Revises: sharing
Create Date: 2026-11-30 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "identification"
down_revision = "sharing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_providers",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("client_auth", sa.String(length=30), nullable=False),
        sa.Column("secret_env", sa.String(length=100), nullable=True),
        sa.Column("scopes", sa.String(length=300), nullable=False),
        sa.Column("subject_claim", sa.String(length=100), nullable=False),
        sa.Column("name_claims", sa.String(length=200), nullable=False),
        sa.Column("email_claim", sa.String(length=100), nullable=True),
        sa.Column("acr_values", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("name_fi", sa.String(length=200), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "audience IN ('clients', 'staff')", name=op.f("ck_identity_providers_audience_known")
        ),
        sa.CheckConstraint(
            "(audience = 'clients' AND organisation_id IS NULL) OR "
            "(audience = 'staff' AND organisation_id IS NOT NULL)",
            name=op.f("ck_identity_providers_staff_provider_has_organisation"),
        ),
        sa.CheckConstraint(
            "client_auth IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')",
            name=op.f("ck_identity_providers_client_auth_known"),
        ),
        sa.CheckConstraint(
            "client_auth = 'private_key_jwt' OR secret_env IS NOT NULL",
            name=op.f("ck_identity_providers_secret_has_a_source"),
        ),
        sa.CheckConstraint(
            "audience <> 'clients' OR acr_values <> ''",
            name=op.f("ck_identity_providers_clients_need_assurance"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_identity_providers_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_providers")),
        sa.UniqueConstraint("code", name=op.f("uq_identity_providers_code")),
    )
    op.create_index(
        op.f("ix_identity_providers_organisation_id"), "identity_providers", ["organisation_id"], unique=False
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_person_key"), ["person_key"])
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_users_person_key"), type_="unique")
        batch_op.drop_column("person_key")
    op.drop_index(op.f("ix_identity_providers_organisation_id"), table_name="identity_providers")
    op.drop_table("identity_providers")
