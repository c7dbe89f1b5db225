#pragma once

#include <QWidget>

#include <functional>
#include <vector>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTreeWidget;

namespace mmf::studio {

struct StudioContext;
class ModelListModel;

// The live models (updated every second from `stats`), a filter, an empty state, and for the selected model
// its request and response schema. Buttons open the submit page or the details page for it.
class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    ModelsPage(StudioContext& context, ModelListModel& models, QWidget* parent = nullptr);

    QString selectedModel() const;
    void selectModel(const QString& name);
    QTableView* table() const { return m_table; }

signals:
    void submitRequested(const QString& model);
    void detailsRequested(const QString& model);

protected:
    void changeEvent(QEvent* event) override;

private:
    // Sets a text now and again on every language change.
    void bindText(std::function<void()> apply);
    void updateState();
    void showSchema(const QString& name);

    StudioContext& m_context;
    ModelListModel& m_models;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QPushButton* m_refresh = nullptr;
    QProgressBar* m_busy = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_empty = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_schemaTitle = nullptr;
    QTreeWidget* m_requestTree = nullptr;
    QTreeWidget* m_responseTree = nullptr;
    QPushButton* m_submit = nullptr;
    QPushButton* m_details = nullptr;
    QString m_schemaFor;
    std::vector<std::function<void()>> m_texts;
};

} // namespace mmf::studio
