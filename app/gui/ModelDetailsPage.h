#pragma once

#include "core/Clock.h"
#include "core/StudioContext.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTableWidget;
class QTextBrowser;

namespace mmf::studio {

struct ApiResult;

// One model: its catalogue metadata (description, version, owner, tags, status, retry, docs as Markdown), its
// instances (GET …/instances, refreshed every 5 s while shown) with "last heartbeat N s ago" kept current
// every second, and for an admin its dead letters with replay and discard and a button that pauses or resumes
// the model's queue (PATCH {"paused"}; hidden when the server answers 403). Failed calls show their error in
// the page's status line; nothing blocks.
class ModelDetailsPage : public QWidget
{
    Q_OBJECT
public:
    ModelDetailsPage(StudioContext& context, QWidget* parent = nullptr);
    ~ModelDetailsPage() override;

    QString model() const { return m_model; }
    // "12 s ago", "3 min ago", "2 h ago" in the current language.
    static QString agoText(qint64 ms);

public slots:
    void showModel(const QString& name);
    void refresh();
    // Forgets what was loaded for the signed-in user (dead letters, instances, details); refresh() loads
    // them again for the next one.
    void reset();
    void replaySelected();
    void replayAll();
    void discardSelected();
    // PATCH the model's `paused` to the opposite of what it shows.
    void togglePaused();

signals:
    void modelLoaded(const QString& name);
    void instancesLoaded();
    void deadLettersLoaded();

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void retranslateUi();
    void loadModelNames();
    void loadDetails();
    void loadInstances();
    void loadDeadLetters();
    void fillDetails();
    void fillInstances();
    void fillDeadLetters();
    void updateHeartbeats();
    void replay(const QJsonObject& body);
    QStringList selectedDeadLetters() const;
    void setStatus(const QString& text);
    QString modelPath() const;

    StudioContext& m_context;
    SystemClock m_clock;
    QString m_model;
    QJsonObject m_details;
    QJsonArray m_instances;
    QJsonArray m_deadLetters;
    bool m_deadLettersAllowed = true;
    int m_generation = 0;
    QTimer m_heartbeatTimer;
    QTimer m_refreshTimer;

    QComboBox* m_modelCombo;
    QLabel* m_title;
    QLabel* m_metaLabels[7];
    QLabel* m_metaValues[7];
    QTextBrowser* m_docs;
    QSplitter* m_splitter;
    QGroupBox* m_instancesBox;
    QTableWidget* m_instancesTable;
    QGroupBox* m_deadBox;
    QTableWidget* m_deadTable;
    QPushButton* m_replaySelected;
    QPushButton* m_replayAll;
    QPushButton* m_discard;
    QPushButton* m_refresh;
    QPushButton* m_pause;
    QLabel* m_status;
    QString m_statusText;
};

} // namespace mmf::studio
