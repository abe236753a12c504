from lotline.cli import main

main()
