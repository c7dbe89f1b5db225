#pragma once

#include "mmf/v1/token.pb.h"

#include <QByteArrayView>

namespace mmf {

struct TaskRecord;

// Who reaches what, given verified claims. The one place for the rules; routes declare what they need
// (RouteAccess) and the AccessResolver applies these before a handler runs.
//  - a superuser (server-wide, `mmf-server admin create`) reaches every project;
//  - a token's methods, `admin` included, reach the token's project only;
//  - a task token (minted for model code) acts for its user in its project, on that task's sub-tasks only.
class AccessPolicy
{
public:
    static bool isTaskToken(const v1::TokenClaims& claims);
    static bool isSuperuser(const v1::TokenClaims& claims);
    // Admin of `project`: a superuser, or a user token with `admin` in that project.
    static bool administers(const v1::TokenClaims& claims, QByteArrayView project);
    // The token may act in `project` at all (its own project, or a superuser's).
    static bool reachesProject(const v1::TokenClaims& claims, QByteArrayView project);
    // A task may be read or cancelled by its owner within the task's project, by that project's admin, and
    // by a task token of the same user and project when the task is a sub-task of a task of the token's
    // model. `taskProject` is the project of the task's model from the server's catalogue (never the
    // model-written record).
    static bool mayAccessTask(const v1::TokenClaims& claims, const TaskRecord& record,
                              QByteArrayView taskProject);
};

} // namespace mmf
