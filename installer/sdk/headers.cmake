# The SDK's headers: what a model author includes (worker/Model.h, worker/WorkerApplication.h, ...) and what
# those include. The one list to extend when the SDK grows; paths as they are included, found under backend/ or
# shared/ (MMF_SDK_HEADERS) or in the generated protobuf folder (MMF_SDK_PROTO_HEADERS).
set(MMF_SDK_HEADERS
    auth/SharedTokenClaims.h
    auth/TokenCodec.h
    core/Clock.h
    core/Error.h
    core/Result.h
    http/HttpRequest.h
    http/HttpResponder.h
    http/Router.h
    worker/CallHandle.h
    worker/Model.h
    worker/ModelDescription.h
    worker/TaskContext.h
    worker/TaskError.h
    worker/WorkerApplication.h
    worker/WorkerOptions.h
)
set(MMF_SDK_PROTO_HEADERS
    mmf/options.pb.h
    mmf/v1/registry.pb.h
    mmf/v1/token.pb.h
)
# .proto files a model's own .proto may import (the (mmf.ui) field options).
set(MMF_SDK_PROTOS
    mmf/options.proto
)
