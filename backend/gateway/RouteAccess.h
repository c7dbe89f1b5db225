#pragma once

#include <QByteArray>

namespace mmf {

// What a route needs, declared where the route is registered and checked by the AccessResolver before the
// handler runs:
//   RouteAccess::open()                                   anyone (health, keys, sign-in)
//   RouteAccess::method("read")                           a valid token granting read in its project
//   RouteAccess::method("admin").onModel()                {name} is a model the caller administers
//   RouteAccess::method("admin").inProject()              {project} is one the caller administers
//   RouteAccess::method("score").onModel().forTaskTokens() ... and model code's task tokens may call it
struct RouteAccess
{
    enum class Model
    {
        None,     // the route names no model
        Existing, // {name} must be a catalogued model of a project the caller reaches (404/403)
        MayBeNew, // as Existing, but an unknown model is handed over as null (the scaler describes it)
    };

    bool authenticated = true;
    QByteArray needed;       // the method the token must grant ("" = any valid token)
    bool taskTokens = false; // task tokens (score-only, minted for model code) are accepted
    bool superuserOnly = false;
    bool onProject = false; // {project} must be the caller's project (or the caller a superuser)
    Model model = Model::None;

    static RouteAccess open()
    {
        RouteAccess access;
        access.authenticated = false;
        return access;
    }
    static RouteAccess method(QByteArray needed)
    {
        RouteAccess access;
        access.needed = std::move(needed);
        return access;
    }
    // Any valid token, task tokens included; the handler applies a finer rule (a task's own readers).
    static RouteAccess anyToken()
    {
        RouteAccess access;
        access.taskTokens = true;
        return access;
    }
    RouteAccess onModel() const
    {
        RouteAccess access = *this;
        access.model = Model::Existing;
        return access;
    }
    RouteAccess onModelOrNew() const
    {
        RouteAccess access = *this;
        access.model = Model::MayBeNew;
        return access;
    }
    RouteAccess inProject() const
    {
        RouteAccess access = *this;
        access.onProject = true;
        return access;
    }
    RouteAccess forTaskTokens() const
    {
        RouteAccess access = *this;
        access.taskTokens = true;
        return access;
    }
    RouteAccess superuser() const
    {
        RouteAccess access = *this;
        access.superuserOnly = true;
        return access;
    }
};

} // namespace mmf
