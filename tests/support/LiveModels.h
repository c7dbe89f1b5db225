#pragma once

#include <QString>

namespace mmf {

class TestHttpClient;

// Polls GET /api/v1/models until `model` is listed with at least `instances` instances; false at the
// deadline.
bool waitForLiveModel(TestHttpClient& client, const QString& model, int instances = 1, int timeoutMs = 30000);

} // namespace mmf
