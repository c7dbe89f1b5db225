#pragma once

#include "gateway/AccessPolicy.h"
#include "gateway/ModelInfo.h"

#include "auth/SharedTokenClaims.h"
#include "mmf/v1/token.pb.h"

#include <memory>

namespace mmf {

// Who called a route, as the AccessResolver found it: the verified claims (shared with the verifier's cache;
// empty claims on open routes, never null) and, for routes on a model, that model from the catalogue (already
// checked against the caller's project).
struct Caller
{
    SharedTokenClaims claims = noClaims();
    ModelInfoPtr model;

    bool isSuperuser() const { return AccessPolicy::isSuperuser(*claims); }
    bool isTaskToken() const { return AccessPolicy::isTaskToken(*claims); }
    bool administers(QByteArrayView project) const { return AccessPolicy::administers(*claims, project); }
    bool reachesProject(QByteArrayView project) const
    {
        return AccessPolicy::reachesProject(*claims, project);
    }

    static const SharedTokenClaims& noClaims()
    {
        static const auto none = std::make_shared<const v1::TokenClaims>();
        return none;
    }
};

} // namespace mmf
