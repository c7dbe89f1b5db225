#pragma once

#include "core/Clock.h"
#include "core/StudioContext.h"

#include <QMap>
#include <QTimer>
#include <QWidget>

class QBarCategoryAxis;
class QBarSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QGroupBox;
class QLabel;
class QProgressBar;
class QValueAxis;
class QVBoxLayout;

namespace mmf::studio {

class StatsHistory;

// Charts of up to the last 10 minutes, one sample a second from the `stats` pushes: live models, instances
// per model, queue depth per model; and the scaler: pool use and desired/current replicas per model (GET
// /api/v1/scaler every 10 s while shown, plus what the pushes carry). A server without a scaler (404) shows a
// note instead of the pool; the replica chart then follows the pushes alone.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    DashboardPage(StudioContext& context, QWidget* parent = nullptr);
    ~DashboardPage() override;

    StatsHistory& history() { return *m_history; }

public slots:
    void refreshScaler();

signals:
    void scalerLoaded(bool available);

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    struct TimeChart
    {
        QChartView* view = nullptr;
        QChart* chart = nullptr;
        QDateTimeAxis* x = nullptr;
        QValueAxis* y = nullptr;
    };
    TimeChart makeTimeChart(const QString& name);
    void retranslateUi();
    void updateCharts();
    void updateScaler();

    StudioContext& m_context;
    SystemClock m_clock;
    StatsHistory* m_history;
    QTimer m_scalerTimer;
    bool m_scalerMissing = false;
    bool m_chartsStale = false;
    QString m_scalerError;

    TimeChart m_live;
    TimeChart m_instances;
    TimeChart m_queue;
    QChartView* m_replicasView;
    QChart* m_replicasChart;
    QGroupBox* m_poolBox;
    QVBoxLayout* m_poolLayout;
    QMap<QString, QProgressBar*> m_poolBars;
    QLabel* m_scalerNote;
    QString m_replicaSignature;
};

} // namespace mmf::studio
