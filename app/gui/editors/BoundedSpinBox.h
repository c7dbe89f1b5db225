#pragma once

#include <QSpinBox>

namespace mmf::studio {

// A QSpinBox that says when typed text was refused for being out of its range (QSpinBox drops such keys
// silently, so 999999999999 typed into 0..3600000 leaves 999999 without a word).
class BoundedSpinBox : public QSpinBox
{
    Q_OBJECT
public:
    using QSpinBox::QSpinBox;

signals:
    // The text the user tried to enter, already outside [minimum, maximum].
    void outOfRange(const QString& text);

protected:
    QValidator::State validate(QString& input, int& pos) const override;
};

} // namespace mmf::studio
