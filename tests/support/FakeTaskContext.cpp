#include "FakeTaskContext.h"

#include <memory>

namespace mmf {

CallHandle FakeTaskContext::call(const QString&, const google::protobuf::Message&)
{
    CallHandle handle(std::make_shared<CallHandle::Notifier>());
    handle.finish(Error::unavailable(QStringLiteral("no calls in unit tests")));
    return handle;
}

} // namespace mmf
