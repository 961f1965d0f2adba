const label = document.createElement("p");
label.id = "widget";
label.textContent = "Map of the building";
document.getElementById("map").append(label);
