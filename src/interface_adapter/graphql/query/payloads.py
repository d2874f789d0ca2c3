"""Read-model rows → the `UserAccount` objects of the schema (fields by their GraphQL names)."""

from use_case.ports import UserAccountRow

UserAccountPayload = dict[str, object]


def user_account_payload(row: UserAccountRow) -> UserAccountPayload:
    return {
        "id": row.id.value,
        "firstName": row.first_name,
        "lastName": row.last_name,
        "fullName": row.full_name,
        "emailAddress": row.email_address,
        # datetimes: the DateTime scalar formats them.
        "createdAt": row.created_at,
        "updatedAt": row.updated_at,
        "version": row.version,
    }
