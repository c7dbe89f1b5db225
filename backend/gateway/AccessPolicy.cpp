#include "gateway/AccessPolicy.h"

#include "auth/TokenCodec.h"
#include "broker/TaskIdGenerator.h"
#include "gateway/TaskRecord.h"

namespace mmf {

namespace {
QByteArrayView view(const std::string& s)
{
    return QByteArrayView(s.data(), qsizetype(s.size()));
}
} // namespace

bool AccessPolicy::isTaskToken(const v1::TokenClaims& claims)
{
    return !claims.model().empty();
}

bool AccessPolicy::isSuperuser(const v1::TokenClaims& claims)
{
    return claims.superuser() && !isTaskToken(claims);
}

bool AccessPolicy::administers(const v1::TokenClaims& claims, QByteArrayView project)
{
    if (isSuperuser(claims))
        return true;
    return !isTaskToken(claims) && view(claims.project_id()) == project && hasMethod(claims, "admin");
}

bool AccessPolicy::reachesProject(const v1::TokenClaims& claims, QByteArrayView project)
{
    return isSuperuser(claims) || view(claims.project_id()) == project;
}

bool AccessPolicy::mayAccessTask(const v1::TokenClaims& claims, const TaskRecord& record,
                                 QByteArrayView taskProject)
{
    if (administers(claims, taskProject))
        return true;
    if (view(claims.project_id()) != taskProject || record.userId != view(claims.user_id()))
        return false;
    if (!isTaskToken(claims))
        return true;
    return !record.parentTaskId.isEmpty() &&
           TaskIdGenerator::modelOf(record.parentTaskId) == view(claims.model());
}

} // namespace mmf
