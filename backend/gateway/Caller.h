#pragma once

#include "gateway/AccessPolicy.h"
#include "gateway/ModelInfo.h"

#include "mmf/v1/token.pb.h"

namespace mmf {

// Who called a route, as the AccessResolver found it: the verified claims (empty on open routes) and, for
// routes on a model, that model from the catalogue (already checked against the caller's project).
struct Caller
{
    v1::TokenClaims claims;
    ModelInfoPtr model;

    bool isSuperuser() const { return AccessPolicy::isSuperuser(claims); }
    bool isTaskToken() const { return AccessPolicy::isTaskToken(claims); }
    bool administers(QByteArrayView project) const { return AccessPolicy::administers(claims, project); }
    bool reachesProject(QByteArrayView project) const
    {
        return AccessPolicy::reachesProject(claims, project);
    }
};

} // namespace mmf
