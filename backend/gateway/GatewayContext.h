#pragma once

namespace mmf {

class AuthGuard;
class BrokerLibraryGuard;
class Clock;
class KeyRing;
class ModelCatalog;
class ModelRedisUsers;
class RedisClient;
class ScalingView;
class ServeRevocation;
class SigningKey;
class TaskService;
class TaskTokenMinter;
class TaskWaiters;
class TokenRevocations;
class WebSocketHub;
struct GatewaySettings;

// What the route controllers work with; owned by the server application and passed in.
struct GatewayContext
{
    const GatewaySettings& settings;
    const Clock& clock;
    RedisClient& redis;
    ModelCatalog& catalog;
    TaskService& tasks;
    TaskWaiters& waiters;
    const AuthGuard& auth;
    KeyRing& keyRing;
    const SigningKey& signingKey;
    WebSocketHub& webSockets;
    ModelRedisUsers& redisUsers;        // the per-model Redis users handed to instances
    ServeRevocation& revocation;        // whether a serve token's user still serves
    TokenRevocations& tokenRevocations; // tokens revoked by id before their expiry
    // The scaler's view (set by the server after construction): managed models, cold start. May be null.
    const ScalingView* scaling = nullptr;
    // Whether Redis holds this server's broker library (set by the server; /readyz). May be null.
    const BrokerLibraryGuard* library = nullptr;
};

} // namespace mmf
