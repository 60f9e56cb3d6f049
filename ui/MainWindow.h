#pragma once

#include <QMainWindow>

namespace mwauth::ui {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace mwauth::ui
