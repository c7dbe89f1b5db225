#pragma once

#include <QProgressBar>

namespace mmf::studio {

// The pages' slim "working…" indicator: an indeterminate bar, hidden until a call is in flight.
class BusyBar : public QProgressBar
{
    Q_OBJECT
public:
    explicit BusyBar(QWidget* parent, int maximumWidth = 100);
};

} // namespace mmf::studio
