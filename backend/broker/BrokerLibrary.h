#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mmf {

// The Redis Function library `mmf` that moves tasks through their states (FUNCTION LOAD by servers, FCALL by
// gateways, workers and the leader). Each function runs atomically, so several servers and instances can act
// on one task without double work: a retry is re-queued once, a result stored once. Model users may FCALL it
// but never run Lua of their own. BrokerCalls builds the calls; docs/ARCHITECTURE.md documents each function.
namespace BrokerLibrary {

const QByteArray& source();
// The source's `libraryVersion`: raised with every change to the text (BrokerLibraryGuard loads it).
int version();
// The `libraryVersion` of a library's code (as FUNCTION LIST … WITHCODE gives it); 0 when it has none.
int versionOf(QByteArrayView code);

} // namespace BrokerLibrary

} // namespace mmf
