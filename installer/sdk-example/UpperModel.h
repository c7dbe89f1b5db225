#pragma once

#include "upper.pb.h"

#include <worker/Model.h>

// One request type, one response type, one method: the whole of a model.
class UpperModel final : public mmf::Model<upper::Request, upper::Response>
{
public:
    mmf::Outcome<upper::Response> process(const upper::Request& request, mmf::TaskContext& context) override
    {
        const QString text = QString::fromStdString(request.text());
        if (text.isEmpty())
            return mmf::TaskError{QStringLiteral("invalid_argument"), QStringLiteral("text is empty")};
        context.info(QStringLiteral("upper-casing %1 characters").arg(text.size()));
        const QString upper = text.toUpper();
        int changed = 0;
        for (qsizetype i = 0; i < text.size(); ++i)
            changed += text[i] != upper[i];
        upper::Response response;
        response.set_text(upper.toStdString());
        response.set_changed(changed);
        return response;
    }
};
