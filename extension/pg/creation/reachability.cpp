#include "creation/reachability.hpp"

#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

// The potential owners nobody in the directory answers to: a group without members (only the
// directory makes anyone a member), a user the directory does not know when the tenant keeps a
// directory at all (a tenant that keeps none offers to users by name only). Named for people:
// "group reds, user zed"; with how many there are, to tell "nobody" from "not everyone".
spi::Statement unknown_principals{
    "SELECT string_agg(CASE WHEN p LIKE 'g:%' THEN 'group ' ELSE 'user ' END || substr(p, 3), "
    "', ' ORDER BY p), count(*)::int4, (SELECT count(DISTINCT q)::int4 FROM unnest($2) AS q) "
    "FROM (SELECT DISTINCT p FROM unnest($2::text[]) AS p) AS named "
    "WHERE (p LIKE 'g:%' AND NOT EXISTS (SELECT FROM workitem.group_member m "
    "        WHERE m.tenant_id = $1 AND m.group_id = substr(p, 3))) "
    "   OR (p LIKE 'u:%' AND NOT EXISTS (SELECT FROM workitem.directory_user d "
    "        WHERE d.tenant_id = $1 AND d.user_id = substr(p, 3)) "
    "       AND EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = $1))",
    2,
    {TEXTOID, TEXTARRAYOID},
    nullptr};

Datum attribute(Datum item, const char* name, bool* is_null) {
    return GetAttributeByName(DatumGetHeapTupleHeader(item), name, is_null);
}

constexpr const char* unreachable_hint =
    "Name users or groups the directory knows in the assignment's potential_owners (or sync "
    "them into the directory), or have an administrator allocate or forward the item.";

}  // namespace

const char* unreachable_reason(const char* tenant, Datum item) {
    bool is_null = false;
    const int64 id = DatumGetInt64(attribute(item, "id", &is_null));
    const Datum state = attribute(item, "state", &is_null);
    const char* state_label = DatumGetCString(DirectFunctionCall1(enum_out, state));
    bool owner_null = false;
    attribute(item, "owner", &owner_null);
    if (!owner_null || (strcmp(state_label, "offered") != 0 && strcmp(state_label, "created") != 0))
        return nullptr;  // someone holds it, or it is already over
    bool candidates_null = false;
    const Datum candidates = attribute(item, "candidates", &candidates_null);
    if (candidates_null || ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(candidates)),
                                          ARR_DIMS(DatumGetArrayTypeP(candidates))) == 0) {
        return psprintf("item %lld has no potential owners: nobody can claim it",
                        static_cast<long long>(id));
    }
    spi::Arguments<2> arguments;
    arguments.add_text(tenant).add(candidates);
    spi::execute(unknown_principals, arguments, 1);
    bool none = false;
    const Datum names = spi::first_column(0, &none);
    if (none) return nullptr;
    const int unknown = DatumGetInt32(spi::first_column_of(SPI_tuptable->vals[0], 2, &is_null));
    const int named = DatumGetInt32(spi::first_column_of(SPI_tuptable->vals[0], 3, &is_null));
    return psprintf(unknown == named
                        ? "item %lld is offered only to %s, unknown to the directory of tenant "
                          "%s: nobody can claim it"
                        : "item %lld is offered to %s, unknown to the directory of tenant %s: "
                          "they cannot claim it",
                    static_cast<long long>(id), TextDatumGetCString(names), tenant);
}

void warn_unreachable(const char* reason) {
    ereport(WARNING,
            (errcode(ERRCODE_WARNING), errmsg("%s", reason), errhint("%s", unreachable_hint)));
}

void warn_unreachable_batch(int created, const char* const* reasons, int count) {
    if (count == 0) return;
    if (count == 1) return warn_unreachable(reasons[0]);
    constexpr int shown = 10;
    StringInfoData detail;
    initStringInfo(&detail);
    for (int i = 0; i < count && i < shown; ++i) {
        appendStringInfo(&detail, "%s%s", i == 0 ? "" : "; ", reasons[i]);
    }
    if (count > shown) appendStringInfo(&detail, "; and %d more", count - shown);
    ereport(WARNING,
            (errcode(ERRCODE_WARNING),
             errmsg("%d of the %d items created cannot be claimed by some or all of the people "
                    "they are offered to",
                    count, created),
             errdetail("%s", detail.data), errhint("%s", unreachable_hint)));
}

}  // namespace workitem::pg
